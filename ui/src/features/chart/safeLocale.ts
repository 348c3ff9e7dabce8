// uPlot formats numbers with Intl for `navigator.language` when it loads. Under LANG=C or
// POSIX, WebKitGTK reports "C", which is no BCP 47 tag, and Intl throws: the page then says
// en-US instead (only where Intl refuses the system's tag). Imported before uPlot.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(Navigator.prototype, "language", { get: () => "en-US", configurable: true });
}
export {};
