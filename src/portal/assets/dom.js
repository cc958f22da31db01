/**
 * Builds the page from plain data. Every string goes in as a text node or an
 * attribute value: nothing here parses HTML, so a name, a header or a
 * response body that contains markup is shown as the characters it is.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

function setProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
}

function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** `h('a', {href: '#/x', class: 'button'}, 'Text', otherNode)` */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  appendChildren(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  appendChildren(el, children);
  return el;
}

/** Replaces an element's content, keeping focus on the control with the same id when there is one. */
export function replaceContent(el, ...children) {
  const focusedId = el.contains(document.activeElement) ? document.activeElement.id : '';
  el.replaceChildren();
  appendChildren(el, children);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

/** A definition list from `[term, value]` pairs; pairs whose value is null are left out. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, value]) => value !== null && value !== undefined).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** A table that turns into cards on narrow screens: each cell carries its column's name. */
export function table({ caption, columns, id }) {
  const tbody = h('tbody', { id: id ? `${id}-rows` : undefined });
  const el = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'responsive', id },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      tbody,
    ),
  );
  const row = (cells, props = {}) => h('tr', props, cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell)));
  return { el, tbody, row, columns };
}

/**
 * Runs `work` with `button` disabled meanwhile. A disabled button loses
 * focus, so focus comes back to it afterwards, or to whatever now has its
 * id (the view may have been redrawn), so keyboard users stay in place.
 */
export async function busy(button, work) {
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
    if (hadFocus && (!document.activeElement || document.activeElement === document.body)) {
      (button.isConnected ? button : document.getElementById(button.id))?.focus();
    }
  }
}
