// Building the page from data, without HTML strings: text is always text (never markup), so
// nothing a run holds can inject a script.

/** An element: h("a", {href: "/ui/runs", class: "x"}, "text", child, ...). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  return fill(element, props, children);
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element, as h() makes HTML ones. */
export function svg(tag, props = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), props, children);
}

function fill(element, props, children) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces what {@code element} holds with {@code children}. */
export function replace(element, ...children) {
  element.replaceChildren();
  return fill(element, {}, children);
}

/** Says {@code text} to screen readers, politely. */
export function announce(text) {
  const announcer = document.getElementById("announcer");
  if (announcer) announcer.textContent = text;
}

/** A table with a caption for screen readers; rows are arrays of cells. */
export function table(caption, headers, rows, cardsOnPhones = true) {
  return h("div", {class: "table-wrap"},
    h("table", {class: cardsOnPhones ? "cards" : ""},
      h("caption", {class: "visually-hidden"}, caption),
      h("thead", {}, h("tr", {}, headers.map(name => h("th", {scope: "col"}, name)))),
      h("tbody", {}, rows.map(cells =>
        h("tr", {}, cells.map((cell, i) => h("td", {"data-label": headers[i]}, cell)))))));
}
