// Elements are `{id}` objects; methods that take an element also take a CSS selector.
// A minimal W3C WebDriver client over fetch (Node 20+): enough to drive the app through
// tauri-driver + WebKitWebDriver without any npm dependency.
import { writeFileSync } from "node:fs";

export class Driver {
  constructor(base = "http://127.0.0.1:4444") {
    this.base = base;
    this.session = null;
  }

  async cmd(method, path, body) {
    const url = this.session && !path.startsWith("/session") && !path.startsWith("/status") ? `${this.base}/session/${this.session}${path}` : `${this.base}${path}`;
    const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const v = json.value || {};
      throw new Error(`${method} ${path}: ${v.error || res.status}: ${(v.message || "").split("\n")[0]}`);
    }
    return json.value;
  }

  async waitReady(timeoutMs = 30000) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      try {
        const v = await this.cmd("GET", "/status");
        if (v) return;
      } catch {
        /* not up yet */
      }
      await sleep(250);
    }
    throw new Error("the WebDriver server did not start");
  }

  async start(application, args = []) {
    const v = await this.cmd("POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application, args } } },
    });
    this.session = v.sessionId;
  }

  async stop() {
    if (this.session) await this.cmd("DELETE", `/session/${this.session}`).catch(() => {});
    this.session = null;
  }

  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return { id: Object.values(v)[0] };
  }

  async findAll(css) {
    // WebKitWebDriver reports a node React replaced during the search as stale; search again.
    for (let attempt = 0; ; attempt++) {
      try {
        const v = await this.cmd("POST", "/elements", { using: "css selector", value: css });
        return v.map((e) => ({ id: Object.values(e)[0] }));
      } catch (e) {
        if (attempt >= 5 || !/stale element/i.test(String(e?.message ?? e))) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Waits until `css` matches an element (and, if given, `pred(text)` holds); returns it. */
  async wait(css, { timeout = 20000, text } = {}) {
    const end = Date.now() + timeout;
    let last = "";
    while (Date.now() < end) {
      try {
        const els = await this.findAll(css);
        for (const el of els) {
          if (!text) return el;
          last = await this.text(el);
          if (typeof text === "function" ? text(last) : last.includes(text)) return el;
        }
      } catch {
        /* page still changing */
      }
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${css}${text ? ` with text ${text}` : ""} (last text: ${JSON.stringify(last.slice(0, 300))})`);
  }

  async click(elOrCss) {
    const el = typeof elOrCss === "string" ? await this.wait(elOrCss) : elOrCss;
    await this.cmd("POST", `/element/${el.id}/click`, {});
  }

  async type(elOrCss, text) {
    const el = typeof elOrCss === "string" ? await this.wait(elOrCss) : elOrCss;
    await this.cmd("POST", `/element/${el.id}/value`, { text });
  }

  /**
   * The element's text content. WebKitWebDriver's own text endpoint drops text that is clipped
   * (ellipsized paths) or comes back empty, so read the DOM instead.
   */
  /** Presses the mouse at `from` and releases it at `to`, in pixels from the element's centre. */
  async drag(elOrCss, from, to) {
    const el = typeof elOrCss === "string" ? await this.wait(elOrCss) : elOrCss;
    const origin = { [ELEMENT]: el.id };
    const steps = [1, 2, 3, 4].map((k) => ({
      type: "pointerMove", duration: 50, origin,
      x: Math.round(from[0] + ((to[0] - from[0]) * k) / 4), y: Math.round(from[1] + ((to[1] - from[1]) * k) / 4),
    }));
    await this.cmd("POST", "/actions", {
      actions: [{
        type: "pointer", id: "mouse", parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", duration: 0, origin, x: from[0], y: from[1] }, { type: "pointerDown", button: 0 }, ...steps, { type: "pointerUp", button: 0 }],
      }],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Clicks at each point (pixels from the element's centre); with `double`, the last twice. */
  async clicks(elOrCss, points, { double = false } = {}) {
    const el = typeof elOrCss === "string" ? await this.wait(elOrCss) : elOrCss;
    const origin = { [ELEMENT]: el.id };
    const press = [{ type: "pointerDown", button: 0 }, { type: "pointerUp", button: 0 }];
    const actions = points.flatMap(([x, y], i) => [
      { type: "pointerMove", duration: 0, origin, x, y },
      ...press,
      ...(double && i === points.length - 1 ? press : [{ type: "pause", duration: 400 }]),
    ]);
    await this.cmd("POST", "/actions", {
      actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }],
    });
    await this.cmd("DELETE", "/actions");
  }

  async text(el) {
    return this.exec("return arguments[0].textContent || '';", [{ [ELEMENT]: el.id }]);
  }

  /** The cells of a table's rows, as text. */
  async tableRows(css) {
    return this.exec(
      "const t = document.querySelector(arguments[0]); return t ? [...t.querySelectorAll('tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim())) : null;",
      [css],
    );
  }

  /** Picks `value` in a <select>, as a user's choice does (React sees a change event). */
  async selectByValue(css, value) {
    await this.wait(css);
    return this.exec(
      "const s = document.querySelector(arguments[0]); const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set; set.call(s, arguments[1]); s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
      [css, value],
    );
  }

  async attr(el, name) {
    return this.cmd("GET", `/element/${el.id}/attribute/${name}`);
  }

  async exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  async execAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Saves a PNG after two animation frames, so the image shows the current frame. */
  async screenshot(file) {
    await this.execAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");
    const b64 = await this.cmd("GET", "/screenshot");
    writeFileSync(file, Buffer.from(b64, "base64"));
  }
}

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const CTRL = "\uE009";
export const NULL_KEY = "\uE000";
export const ENTER = "\uE007";
