// Element builder: pages create DOM from data with h(), so untrusted text only ever enters the page as text nodes, never as HTML.

/**
 * h('a', { class: 'btn', href: '/x', on: { click } }, 'label', childNode, [more])
 *  - strings and numbers become text nodes; null, undefined and false are skipped; arrays are flattened;
 *  - props: class, text, dataset, on (event listeners), any other key is set as an attribute
 *    (true → present and empty, false/null/undefined → absent).
 * There is deliberately no way to pass HTML: 'innerHTML' and 'style' are refused, the latter because
 * the CSP forbids style attributes (set el.style.prop from code instead).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Same as h() for SVG elements (icons, illustrations). */
export function svg(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'innerHTML' || key === 'style') {
      throw new Error(`h(): "${key}" is not allowed`);
    } else if (key === 'on') {
      for (const [type, handler] of Object.entries(value)) el.addEventListener(type, handler);
    } else if (key === 'dataset') {
      for (const [name, v] of Object.entries(value)) el.dataset[name] = v;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.append(child);
    else parent.append(document.createTextNode(String(child)));
  }
}

/** A process-unique id for label/aria-describedby pairs built at run time. */
let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
