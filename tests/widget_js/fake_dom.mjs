/* Just enough of a DOM for the widget's modules under Node: elements, text nodes, classes,
   attributes, events, focus. Setting innerHTML throws: the widget must never write HTML. */

class FakeNode {
  constructor(doc) {
    this.ownerDocument = doc;
    this.parentNode = null;
  }

  remove() {
    if (this.parentNode) {
      const siblings = this.parentNode.childNodes;
      siblings.splice(siblings.indexOf(this), 1);
      this.parentNode = null;
    }
  }
}

class FakeText extends FakeNode {
  constructor(doc, text) {
    super(doc);
    this.data = String(text);
  }

  get textContent() {
    return this.data;
  }
}

class FakeClassList {
  constructor(element) {
    this.element = element;
  }

  #names() {
    return this.element.className.split(/\s+/).filter(Boolean);
  }

  contains(name) {
    return this.#names().includes(name);
  }

  add(name) {
    if (!this.contains(name)) {
      this.element.className = [...this.#names(), name].join(" ");
    }
  }

  remove(name) {
    this.element.className = this.#names().filter((n) => n !== name).join(" ");
  }

  toggle(name, force) {
    const on = force === undefined ? !this.contains(name) : force;
    if (on) {
      this.add(name);
    } else {
      this.remove(name);
    }
    return on;
  }
}

export class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc);
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attributes = new Map();
    this.listeners = [];
    this.className = "";
    this.classList = new FakeClassList(this);
    this.dataset = {};
    this.hidden = false;
    this.disabled = false;
    this.value = "";
    this.id = "";
    this.scrollTop = 0;
    this.scrollHeight = 0;
    this.clientHeight = 0;
    this.offsetTop = 0;
    this.offsetHeight = 0;
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }

  set textContent(text) {
    this.childNodes.forEach((c) => {
      c.parentNode = null;
    });
    this.childNodes = [];
    if (text !== "") {
      this.appendChild(new FakeText(this.ownerDocument, text));
    }
  }

  set innerHTML(html) {
    throw new Error("the widget wrote HTML: " + html);
  }

  get children() {
    return this.childNodes.filter((c) => c instanceof FakeElement);
  }

  appendChild(child) {
    child.remove();
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) {
      if (n === this) {
        return true;
      }
    }
    return false;
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  addEventListener(type, listener) {
    this.listeners.push({ type, listener });
  }

  dispatch(type, fields = {}) {
    const event = {
      type,
      target: this,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      ...fields,
    };
    this.listeners.filter((l) => l.type === type).forEach((l) => l.listener(event));
    return event;
  }

  click() {
    if (!this.disabled) {
      this.dispatch("click", { detail: 1 });
    }
  }

  focus() {
    this.ownerDocument.activeElement = this;
  }

  getBoundingClientRect() {
    return { left: 0, top: 0, right: 100, bottom: 100 };
  }

  // Descendants in document order matching a tag name ("mark"), a class (".cite") or an id
  // ("#send").
  querySelectorAll(selector) {
    const rest = selector.slice(1);
    const match = {
      ".": (e) => e.classList.contains(rest),
      "#": (e) => e.id === rest,
    }[selector[0]] || ((e) => e.tagName === selector.toUpperCase());
    const found = [];
    const walk = (node) => {
      node.children.forEach((child) => {
        if (match(child)) {
          found.push(child);
        }
        walk(child);
      });
    };
    walk(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
}

class FakeDialog extends FakeElement {
  get open() {
    return this.hasAttribute("open");
  }

  showModal() {
    this.setAttribute("open", "");
  }

  close() {
    this.removeAttribute("open");
  }
}

export class FakeDocument {
  constructor() {
    this.body = new FakeElement(this, "body");
    this.readyState = "interactive";
    this.activeElement = this.body;
  }

  createElement(tag) {
    return tag === "dialog" ? new FakeDialog(this, tag) : new FakeElement(this, tag);
  }

  createTextNode(text) {
    return new FakeText(this, text);
  }

  contains(node) {
    return this.body.contains(node);
  }

  getElementById(id) {
    return this.body.id === id ? this.body : this.body.querySelector("#" + id);
  }
}

// A fresh fake document as the global `document` the widget's modules read.
export function installDocument() {
  const doc = new FakeDocument();
  globalThis.document = doc;
  return doc;
}

// Elements appended to the page's body, by name: `{name: tag}` gives `{name: element}`; each
// element's id is its name.
export function addElements(doc, tags) {
  const made = {};
  for (const [name, tag] of Object.entries(tags)) {
    made[name] = doc.createElement(tag);
    made[name].id = name;
    doc.body.appendChild(made[name]);
  }
  return made;
}
