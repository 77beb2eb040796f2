// bookify preview: shows the print edition's real pages (pictures of the PDF WeasyPrint wrote)
// as spreads, and follows the server's builds through server-sent events.
//
// Where the reader is, is kept as a place in the book — a division (essay, part, contents…) and
// a page within it — not as a page index, so a rebuild that adds pages before the essay, or a
// reload, leaves the reader on the same page of the same essay. The place is also the URL's hash.
"use strict";

const RESOLUTIONS = [48, 72, 96, 144, 192, 288]; // as the server offers them (raster.py)
const $ = (id) => document.getElementById(id);

let book = null;        // the latest state from the server
let current = 0;        // index of the page the reader is on
let wanted = placeFromHash(); // a place asked for before the pages arrived

// ------------------------------------------------------------------ places

function placeOf(index, state) {
  const page = state && state.pages[index];
  if (!page) return { division: null, offset: 0, index };
  const division = state.divisions.find((d) => d.id === page.division);
  return { division: page.division, offset: division ? index - division.start : 0, index };
}

function indexOf(place, state) {
  const count = state.pages.length;
  if (!count) return 0;
  const division = place && state.divisions.find((d) => d.id === place.division);
  if (division) return division.start + Math.max(0, Math.min(place.offset, division.count - 1));
  return Math.max(0, Math.min(place ? place.index : 0, count - 1));
}

function placeFromHash() {
  const match = /^#([^/]*)\/(\d+)$/.exec(decodeURIComponent(location.hash));
  return match ? { division: match[1], offset: Number(match[2]), index: 0 } : null;
}

function remember() {
  const place = placeOf(current, book);
  if (place.division) {
    history.replaceState(null, "", `#${encodeURIComponent(place.division)}/${place.offset}`);
  }
}

// ------------------------------------------------------------------ spreads

// The page indices of the spread holding page `index`: index 0 is a recto standing alone.
function spreadOf(index, count) {
  if (index <= 0) return [null, count ? 0 : null];
  const verso = index % 2 ? index : index - 1;
  return [verso, verso + 1 < count ? verso + 1 : null];
}

function go(index) {
  if (!book || !book.pages.length) return;
  current = Math.max(0, Math.min(index, book.pages.length - 1));
  remember();
  showSpread();
  markContents();
}

function turn(step) {
  const [verso, recto] = spreadOf(current, book ? book.pages.length : 0);
  if (step > 0) go((recto ?? verso) + 1);
  else go((verso ?? recto) - 1);
}

function resolution(page, sheetHeight) {
  const wish = (sheetHeight * (window.devicePixelRatio || 1)) / (page.size[1] / 72);
  return RESOLUTIONS.find((dpi) => dpi >= wish) || RESOLUTIONS[RESOLUTIONS.length - 1];
}

function pageUrl(page, dpi) {
  return `/pages/${page.key}.png?dpi=${dpi}`;
}

function percent(rect, size) {
  const [x, y, w, h] = rect;
  return `left:${(100 * x) / size[0]}%;top:${(100 * y) / size[1]}%;` +
    `width:${(100 * w) / size[0]}%;height:${(100 * h) / size[1]}%`;
}

function figure(index, side, sheetHeight) {
  const page = index === null ? null : book.pages[index];
  const shape = page || book.pages[0];
  const element = document.createElement("figure");
  element.className = `page ${side}` + (page ? "" : " missing") + (page && page.stale ? " stale" : "");
  const sheet = document.createElement("div");
  sheet.className = "sheet";
  sheet.style.aspectRatio = `${shape.size[0]} / ${shape.size[1]}`;
  if (page) {
    const dpi = resolution(page, sheetHeight);
    const image = document.createElement("img");
    image.src = pageUrl(page, dpi);
    image.alt = `Page ${page.label || index + 1}`;
    image.dataset.key = page.key;
    image.dataset.index = index;
    sheet.append(image);
    for (const [kind, rect] of [["bleed", page.trim], ["trim", page.trim], ["margin", page.content]]) {
      const guide = document.createElement("div");
      guide.className = `guide ${kind}`;
      guide.style.cssText = percent(rect, page.size);
      sheet.append(guide);
    }
  }
  element.append(sheet);
  const caption = document.createElement("figcaption");
  caption.textContent = page ? (page.label || "\u00a0") : "\u00a0";
  element.append(caption);
  return element;
}

function showSpread() {
  const spread = $("spread");
  if (!book || !book.pages.length) {
    spread.replaceChildren();
    $("page-count").textContent = "";
    return;
  }
  const count = book.pages.length;
  const [verso, recto] = spreadOf(current, count);
  const sheetHeight = Math.max(200, spread.clientHeight - 32 - 26);
  spread.replaceChildren(figure(verso, "verso", sheetHeight), figure(recto, "recto", sheetHeight));
  const shown = book.pages[recto ?? verso];
  $("goto").value = shown ? shown.label : "";
  $("page-count").textContent = `${(recto ?? verso) + 1} of ${count}`;
  // Fetch the neighbouring spreads' pages ahead, so turning a page is instant.
  for (const near of [...spreadOf((recto ?? verso) + 1, count), ...spreadOf((verso ?? recto) - 1, count)]) {
    if (near !== null && near >= 0 && book.pages[near]) {
      new Image().src = pageUrl(book.pages[near], resolution(book.pages[near], sheetHeight));
    }
  }
}

// ------------------------------------------------------------------ panels

function showContents() {
  const list = $("contents-list");
  list.replaceChildren();
  for (const division of book.divisions) {
    const item = document.createElement("li");
    item.className = division.kind;
    item.dataset.division = division.id;
    const link = document.createElement("a");
    link.href = `#${encodeURIComponent(division.id)}/0`;
    const title = document.createElement("span");
    title.textContent = division.title;
    if (division.author) {
      const author = document.createElement("span");
      author.className = "author";
      author.textContent = division.author;
      title.append(author);
    }
    const folio = document.createElement("span");
    folio.className = "folio";
    folio.textContent = (book.pages[division.start] || {}).label || "";
    link.append(title, folio);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      go(division.start);
    });
    item.append(link);
    list.append(item);
  }
  markContents();
}

function markContents() {
  const page = book && book.pages[current];
  for (const item of $("contents-list").children) {
    const here = page && item.dataset.division === page.division;
    item.classList.toggle("current", Boolean(here));
    if (here) item.scrollIntoView({ block: "nearest" });
  }
}

function where(problem) {
  if (!problem.file) return "";
  return problem.line ? `${problem.file}:${problem.line}` : problem.file;
}

function problemItem(problem) {
  const item = document.createElement("li");
  item.className = `severity-${problem.severity}`;
  const place = document.createElement("span");
  place.className = "where";
  place.textContent = where(problem);
  const what = document.createElement("span");
  what.className = "what";
  what.textContent = (place.textContent ? " " : "") + problem.message;
  item.append(place, what);
  if (problem.hint) {
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = `hint: ${problem.hint}`;
    item.append(hint);
  }
  return item;
}

function showWarnings() {
  const list = $("warning-list");
  list.replaceChildren();
  const warnings = book.warnings.filter((w) => w.severity === "warning");
  for (const problem of [...warnings, ...book.warnings.filter((w) => w.severity !== "warning")]) {
    const item = problemItem(problem);
    const essay = book.divisions.find((d) => d.source && d.source === problem.file);
    if (essay) {
      item.dataset.division = essay.id;
      item.title = `Go to “${essay.title}”`;
      item.addEventListener("click", () => go(essay.start));
    }
    list.append(item);
  }
  const count = $("warning-count");
  count.textContent = String(warnings.length);
  count.classList.toggle("some", warnings.length > 0);
}

function showErrors() {
  const overlay = $("error-overlay");
  const list = $("error-list");
  list.replaceChildren(...book.errors.map(problemItem));
  overlay.hidden = book.errors.length === 0;
  document.body.classList.toggle("has-error", book.errors.length > 0);
}

function showStatus(status) {
  const line = $("status");
  line.classList.toggle("building", status.phase === "building");
  line.classList.toggle("error", status.phase === "error");
  if (status.phase === "building") {
    const what = status.kind === "essay" ? `Updating ${status.essay}` : "Laying out the book";
    line.textContent = status.pages ? `${what}… ${status.pages} pages` : `${what}…`;
  } else if (status.phase === "error") {
    line.textContent = "Error: see the message";
  } else if (book) {
    const build = book.build;
    line.textContent = book.provisional
      ? `Updated ${build.essay} in ${build.seconds} s; redoing page numbers…`
      : `${book.pages.length} pages, laid out in ${build.seconds} s`;
  }
}

// ------------------------------------------------------------------ reading view

function showReading() {
  const frame = $("reading");
  const reading = document.body.dataset.view === "reading";
  frame.hidden = !reading;
  $("toggle-view").textContent = reading ? "Pages" : "Reading view";
  if (!reading || !book || !book.reading) return;
  const division = placeOf(current, book).division;
  // Keep the reader's place: the same essay, scrolled as far into it as before.
  let into = 0;
  try {
    const old = frame.contentDocument && frame.contentDocument.getElementById(division);
    if (old) into = frame.contentWindow.scrollY - old.offsetTop;
  } catch (error) { /* not loaded yet */ }
  const target = `${book.reading}#${encodeURIComponent(division || "")}`;
  if (frame.dataset.source === book.reading) return;
  frame.dataset.source = book.reading;
  frame.onload = () => {
    const here = frame.contentDocument.getElementById(division);
    if (here) frame.contentWindow.scrollTo(0, here.offsetTop + Math.max(0, into));
  };
  frame.src = target;
}

// ------------------------------------------------------------------ state from the server

function applyState(next) {
  const place = book ? placeOf(current, book) : wanted;
  book = next;
  wanted = null;
  current = indexOf(place, book);
  document.title = `${book.title || "bookify"} — preview`;
  $("book-title").textContent = book.title || "bookify preview";
  showContents();
  showWarnings();
  showErrors();
  showSpread();
  showReading();
  showStatus(book.status);
  if (book.pages.length) remember();
  document.body.dataset.generation = String(book.generation);
}

function connect() {
  const events = new EventSource("/events");
  events.addEventListener("state", (event) => applyState(JSON.parse(event.data)));
  events.addEventListener("status", (event) => showStatus(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    $("status").textContent = "Disconnected: is bookify preview still running?";
  });
}

// ------------------------------------------------------------------ controls

function toggleGuide(kind, on) {
  const box = $(`guide-${kind}`);
  box.checked = on ?? !box.checked;
  document.body.classList.toggle(`show-${kind}`, box.checked);
}

function togglePanel(id, button) {
  const panel = $(id);
  panel.hidden = !panel.hidden;
  $(button).setAttribute("aria-pressed", String(!panel.hidden));
}

function toggleView() {
  document.body.dataset.view = document.body.dataset.view === "reading" ? "pages" : "reading";
  delete $("reading").dataset.source;
  showReading();
}

function goToFolio(label) {
  const index = book ? book.pages.findIndex((p) => p.label === label.trim()) : -1;
  if (index >= 0) go(index);
}

function bind() {
  $("previous").addEventListener("click", () => turn(-1));
  $("next").addEventListener("click", () => turn(1));
  $("toggle-contents").addEventListener("click", () => togglePanel("contents", "toggle-contents"));
  $("toggle-warnings").addEventListener("click", () => togglePanel("warnings", "toggle-warnings"));
  $("toggle-view").addEventListener("click", toggleView);
  for (const kind of ["trim", "margin", "bleed"]) {
    $(`guide-${kind}`).addEventListener("change", (event) => toggleGuide(kind, event.target.checked));
  }
  $("goto").addEventListener("change", (event) => goToFolio(event.target.value));
  window.addEventListener("resize", () => showSpread());
  window.addEventListener("hashchange", () => {
    const place = placeFromHash();
    if (place && book) go(indexOf(place, book));
  });
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.ctrlKey || event.metaKey || event.altKey) return;
    const keys = {
      ArrowLeft: () => turn(-1), PageUp: () => turn(-1), ArrowRight: () => turn(1),
      PageDown: () => turn(1), " ": () => turn(1), Home: () => go(0),
      End: () => go(book ? book.pages.length - 1 : 0),
      t: () => toggleGuide("trim"), m: () => toggleGuide("margin"), b: () => toggleGuide("bleed"),
      r: toggleView, c: () => togglePanel("contents", "toggle-contents"),
      w: () => togglePanel("warnings", "toggle-warnings"),
      g: () => { $("goto").focus(); $("goto").select(); },
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}

bind();
connect();
