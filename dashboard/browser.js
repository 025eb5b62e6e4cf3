// Sent by dashboard/browser.py on every page run; run in the page itself (st.html with JavaScript).
// 1. The html element's lang follows the page's language, so screen readers and browsers read Thai as Thai.
// 2. Texts that Streamlit and plotly.js draw themselves (placeholders, toolbars, the file uploader's words)
//    are put in the page's language, in text and in aria-label / title / placeholder / data-title, now and
//    whenever the library draws them again. Only whole texts from the catalogue are swapped, never markup.
// 3. Scrollable tables get a keyboard stop (tabindex) and a name, so they can be reached and scrolled.
(() => {
  const cfg = __CONFIG__;
  document.documentElement.lang = cfg.lang;
  const state = window.__laoText || (window.__laoText = {});
  const pairs = cfg.texts.map(([en, th]) => cfg.lang === "th" ? [en, th] : [th, en]);
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  state.exact = new Map(pairs.filter(([from]) => !from.includes("{")));
  state.patterns = pairs.filter(([from]) => from.includes("{")).map(([from, to]) => {
    const names = [];
    const source = escape(from).replace(/\\\{(\w+)\\\}/g, (_, n) => { names.push(n); return "(.+?)"; });
    return [new RegExp("^" + source + "$"), (m) => names.reduce((s, n, i) => s.replace("{" + n + "}", m[i + 1]), to)];
  });
  state.scrollName = cfg.scrollName;
  const ATTRS = ["aria-label", "title", "placeholder", "data-title"];
  const say = (text) => {
    const key = text.trim();
    if (!key) return null;
    const hit = state.exact.get(key);
    if (hit !== undefined) return text.replace(key, hit);
    for (const [re, make] of state.patterns) {
      const m = key.match(re);
      if (m) return text.replace(key, make(m));
    }
    return null;
  };
  const fixText = (node) => {
    const out = say(node.nodeValue);
    if (out !== null && out !== node.nodeValue) node.nodeValue = out;
  };
  const fixAttrs = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      const out = v && say(v);
      if (out && out !== v) el.setAttribute(a, out);
    }
    if (el.matches('[data-testid="stTable"] > div') && !el.hasAttribute("tabindex")) {   // st.table's scroller
      state.tables = (state.tables || 0) + 1;           // a landmark's name must be unique on the page
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", el.getAttribute("role") || "region");
      el.setAttribute("aria-label", state.scrollName + " " + state.tables);
    }
  };
  const fix = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttrs(root);
    for (const el of root.querySelectorAll("*")) fixAttrs(el);
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) fixText(walk.currentNode);
  };
  if (!state.observer) {
    state.observer = new MutationObserver((changes) => {
      for (const c of changes) {
        if (c.type === "childList") c.addedNodes.forEach(fix);
        else if (c.type === "characterData") fixText(c.target);
        else if (c.type === "attributes") fixAttrs(c.target);
      }
    });
    state.observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                           attributes: true, attributeFilter: ATTRS});
  }
  fix(document.body);
})();
