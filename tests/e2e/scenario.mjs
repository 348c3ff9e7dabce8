// The real-window scenario: the built app under Xvfb, driven through tauri-driver +
// WebKitWebDriver. It checks what a person sees and saves a screenshot of every screen.
//
//   node tests/e2e/scenario.mjs <app binary> <output folder> <repo root>
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { Driver, sleep, CTRL, NULL_KEY, ENTER } from "./webdriver.mjs";

const [app, out, root] = process.argv.slice(2);
const shots = join(out, "screenshots");
rmSync(out, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const data = join(out, "data");
mkdirSync(data, { recursive: true });

// Inputs a person would have: a Takeout export folder with the phone's Timeline.json, and CSV
// files that join.
const takeout = join(root, "crates/lake-cli/tests/fixtures/takeout/en/Takeout");
// TPC-H at scale 0.01, committed as Parquet (tests/fixtures/tpch-sf0.01).
const tpchDir = join(root, "tests/fixtures/tpch-sf0.01/data");
const tpchFiles = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"].map((t) => join(tpchDir, `${t}.parquet`));
const expected = JSON.parse(readFileSync(join(root, "crates/lake-cli/tests/fixtures/takeout/expected.json"), "utf8")).en;
writeFileSync(join(data, "people.csv"), "id,name,city\n1,Ada,London\n2,Grace,Arlington\n3,Linus,Helsinki\n");
writeFileSync(join(data, "purchases.csv"), "order_id,person_id,amount\n10,1,12.5\n11,1,7.5\n12,2,100\n13,3,1\n14,3,2\n");
// 3,000 numbers: a filtered three-way cross join of them (27 billion pairs) runs until cancelled.
writeFileSync(join(data, "nums.csv"), "n\n" + Array.from({ length: 3000 }, (_, i) => i).join("\n") + "\n");
const lakeDir = join(out, "lake");
// The CLI beside the app (run.sh builds both into the same target folder).
const lakeBin = join(dirname(process.argv[2]), "lake");
// The shell's file dialogs, answered in debug builds from this file (one line per dialog, paths
// separated by tabs): WebDriver cannot drive a native dialog. run.sh sets the variable.
const picks = process.env.DATAPUNK_TEST_PICKS;
const answerNextDialog = (...paths) => writeFileSync(picks, paths.join("\t") + "\n");

const d = new Driver();
let step = 0;
async function shot(name) {
  step += 1;
  const file = join(shots, `${String(step).padStart(2, "0")}-${name}.png`);
  await d.screenshot(file);
  console.log(`  screenshot ${file}`);
}
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`  ok: ${what}`);
}
async function setEditor(sql) {
  const ed = await d.wait(".tab-panel:not([hidden]) .cm-content");
  await d.click(ed);
  await d.type(ed, `${CTRL}a${NULL_KEY}`);
  await d.type(ed, "\uE017"); // Delete the selection
  await d.type(ed, sql);
  // Completion pop-ups would swallow the next keys; Escape closes them.
  await d.type(ed, "\uE00C");
}

try {
  await d.waitReady();
  // Started as a file manager starts it for a file it is associated with (`Exec=… %F`).
  await d.start(app, [join(data, "people.csv")]);

  console.log("1. start screen: a folder that is not a lake is refused, then a lake is created");
  await d.wait('[data-testid="lake-path"]');
  await shot("start");
  // The data folder holds the user's CSV files: it is not empty and not a lake.
  answerNextDialog(data);
  await d.click('[data-testid="create-lake-elsewhere"]');
  const refusedLake = await d.wait('[data-testid="error-box"][data-code="not_a_lake"]');
  check((await d.text(refusedLake)).includes("nothing in it was changed"), "a non-empty folder that is no lake is refused, untouched");
  answerNextDialog(lakeDir);
  await d.click('[data-testid="create-lake-elsewhere"]');
  await d.wait('[data-testid="lake-path-shown"]', { text: lakeDir });
  check(true, "the lake folder is shown in the window");

  console.log("2. import wizard: the file the app was opened with, then a Takeout export folder and its Timeline.json");
  await d.wait('[data-testid="import-file"]', { text: "Ada" });
  check(true, "the file the app was opened with is in the import wizard once the lake is open");
  answerNextDialog(takeout);
  await d.click('[data-testid="pick-folders"]');
  await d.wait('[data-testid="takeout-survey"]');
  answerNextDialog(join(takeout, "..", "Timeline.json"), join(data, "people.csv"));
  await d.click('[data-testid="pick-files"]');
  const survey = await d.wait('[data-testid="takeout-survey"]', { text: "Gmail" });
  check((await d.text(survey)).includes("Google Photos"), "the Takeout products are detected before import");
  await d.wait('[data-testid="import-file"]', { text: "Ada" });
  check(true, "the CSV's sample rows are previewed");
  await shot("import-check");
  // The wizard looks at the paths again as each is added: Import is pressed once it has seen all 3.
  await d.wait('[data-testid="import-start"]:not([disabled])', { text: "Import 3 item" });
  await d.click('[data-testid="import-start"]');
  const result = await d.wait('[data-testid="import-result"]', { timeout: 60000 });
  await d.wait('[data-testid="coverage"]');
  const shown = Object.fromEntries((await d.tableRows('[data-testid="import-datasets"]')).slice(1).map((r) => [r[0], r]));
  for (const [table, rows] of Object.entries(expected)) {
    // expected.json counts location points without the Timeline Edits ones; the table holds both.
    if (table === "takeout.location_points") continue;
    check(shown[table]?.[1] === "v1" && shown[table]?.[2] === String(rows), `${table} shows v1 with ${rows} rows`);
  }
  check(shown["people"]?.[2] === "3", "people shows 3 rows");
  const coverage = Object.fromEntries((await d.tableRows('[data-testid="coverage"] table')).slice(1).map((r) => [r[0], r]));
  check(coverage["Gmail"]?.[2] === "3" && coverage["Gmail"]?.[5] === "partial", `the coverage report shows Gmail: 3 rows, partial (a malformed Date): ${coverage["Gmail"]}`);
  check(coverage["Contacts"]?.[2] === "2", "the coverage report shows Contacts: 2 rows");
  check((await d.text(await d.find('[data-testid="coverage-errors"]'))).includes("malformed Date"), "the broken mail is named with its reason");
  check((await d.text(result)).includes("Location History"), "the coverage report lists Location History");
  await shot("import-result");
  await d.click('[data-testid="import-done"]');

  console.log("3. a drop the page fakes grants nothing; files the user chooses import");
  // The page emits drop events itself (as a compromised page could): the wizard may open, but
  // the shell refuses paths that no dialog or real drop gave.
  await d.execAsync(
    `const done = arguments[arguments.length - 1];
     const emit = (event) => window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event, payload: event === "lake://dropped" ? arguments[0] : { paths: arguments[0], position: { x: 200, y: 200 } } });
     emit("tauri://drag-drop").then(() => emit("lake://dropped")).then(() => done(true), (e) => done(String(e)));`,
    [[join(data, "purchases.csv"), "/etc/passwd"]],
  );
  const notChosen = await d.wait('[data-testid="error-box"][data-code="path_not_chosen"]');
  check((await d.text(notChosen)).includes("was not chosen"), "paths from a faked drop are refused by the shell");
  await shot("faked-drop-refused");
  await d.click('[aria-label="Close"]');
  await d.click('[data-testid="open-import"]');
  answerNextDialog(join(data, "purchases.csv"), join(data, "nums.csv"));
  await d.click('[data-testid="pick-files"]');
  await d.wait('[data-testid="import-file"]', { text: "purchases.csv" });
  await d.wait('[data-testid="import-file"]', { text: "nums.csv" });
  await shot("drop-check");
  await d.click('[data-testid="import-start"]');
  await d.wait('[data-testid="import-datasets"]', { text: "purchases", timeout: 60000 });
  const droppedRows = Object.fromEntries((await d.tableRows('[data-testid="import-datasets"]')).slice(1).map((r) => [r[0], r]));
  check(droppedRows["purchases"]?.[2] === "5" && droppedRows["nums"]?.[2] === "3,000", "purchases (5 rows) and nums (3,000 rows) imported");
  await d.click('[data-testid="import-done"]');

  console.log("4. catalog and grid");
  await d.type('[data-testid="catalog-search"]', "peop");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="people"]'));
  await d.wait('[data-testid="grid-count"]', { text: "3" });
  const firstRow = await d.wait('[data-testid="grid-row"][data-row="0"]', { text: "Ada" });
  check((await d.text(firstRow)).includes("London"), "the grid shows the first row");
  await shot("catalog-grid");
  await d.click('[data-testid="grid-header"][data-column="name"]');
  await d.click('[data-testid="grid-header"][data-column="name"]');
  await d.wait('[data-testid="grid-row"][data-row="0"]', { text: "Linus" });
  check(true, "sorting by name descending (by the engine) puts Linus first");
  await d.click('[data-testid="dataset-tab-schema"]');
  const schemaTable = await d.wait('[data-testid="schema-table"]', { text: "city" });
  check((await d.text(schemaTable)).includes("Ada"), "the schema shows column statistics (min name Ada)");
  await d.wait('[data-testid="profile-note"]', { text: "from all 3 rows" });
  const idRow = await d.wait('[data-testid="schema-row"][data-column="id"]');
  check((await d.text(idRow)).includes("BIGINT"), "the schema names SQL types (id BIGINT)");
  const bars = await d.findAll('[data-testid="schema-row"][data-column="id"] [data-testid="profile-histogram"] rect');
  check(bars.length === 3, `id's histogram has one bar per value 1..3 (${bars.length})`);
  await shot("catalog-schema");

  console.log("4b. versions: a second version (from the CLI, beside the open app), its history, restore and time travel");
  writeFileSync(join(data, "people-2.csv"), "id,name,city,born\n1,Ada,London,1815\n2,Grace,Arlington,1906\n3,Linus,Helsinki,1969\n4,Barbara,Boston,1939\n");
  execFileSync(lakeBin, ["--lake", lakeDir, "import", "--name", "people", join(data, "people-2.csv")]);
  await d.click('[data-testid="dataset-tab-versions"]');
  const v2 = await d.wait('[data-testid="version-2"]', { text: "born" });
  check((await d.text(v2)).includes("current") && (await d.text(v2)).includes("people-2.csv"), "version 2 is current, from people-2.csv, with the new column born");
  await d.click('[data-testid="version-restore-1"]');
  await d.click(await d.wait('[data-testid="version-restore-yes-1"]'));
  const restoredNote = await d.wait('[data-testid="restore-done"]');
  check((await d.text(restoredNote)).includes("as version 3"), "restoring version 1 makes version 3");
  const v3 = await d.wait('[data-testid="version-3"]', { text: "restore of v1" });
  check((await d.text(v3)).includes("current"), "version 3 (a restore of v1) is current");
  await shot("versions");
  await d.click('[data-testid="version-query-2"]');
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}${ENTER}${NULL_KEY}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]', { text: "4" });
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="3"]', { text: "Barbara" });
  check(true, "querying VERSION AS OF 2 shows its 4 rows (Barbara included) while version 3 is current");
  // Close that tab again (Ctrl+W), so the later steps find the tabs they expect.
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);
  await d.type('[data-testid="catalog-search"]', `${CTRL}a${NULL_KEY}\uE017`);

  console.log("4c. a query's answer kept as a dataset; its lineage down to the file; stale, then refreshed");
  await d.click('[data-testid="new-query"]');
  await setEditor("SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY city");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Arlington" });
  await d.click('.tab-panel:not([hidden]) [data-testid="keep-dataset"]');
  await d.type(await d.wait('.tab-panel:not([hidden]) [data-testid="keep-dataset-name"]'), "people_cities");
  await d.click('.tab-panel:not([hidden]) [data-testid="keep-dataset-create"]');
  const kept = await d.wait('.tab-panel:not([hidden]) [data-testid="keep-dataset-done"]', { timeout: 30000 });
  check((await d.text(kept)).includes("Kept as people_cities v1 (3 rows)"), `the answer is kept as a dataset: ${await d.text(kept)}`);
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="people_cities"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-lineage"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id="people@v3"]');
  const fileNode = await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id^="file:"]');
  check((await d.text(fileNode)).includes("people.csv"), "the lineage goes from people_cities through people v3 to the file people.csv");
  await shot("lineage");
  // Click through to the source file: its path and sha256.
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id^="file:"] [data-testid="lineage-open"]');
  const picked = await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-picked"]');
  check((await d.text(picked)).includes("people.csv") && (await d.text(picked)).includes("sha256"), `clicking the file shows its path and sha256: ${await d.text(picked)}`);
  // Column mode: n is counted from people's rows, city copied from people.city.
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-columns"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-col"][data-column="city"]');
  const colEdges = await d.findAll('.tab-panel:not([hidden]) [data-testid="lineage-col-edge"]');
  check(colEdges.length >= 2, `column mode draws the column edges (${colEdges.length})`);
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id="people_cities@v1"] [data-testid="lineage-col"][data-column="city"]');
  const lit = await d.findAll('.tab-panel:not([hidden]) path.lit');
  check(lit.length >= 1, `tracing people_cities.city lights its edge from people.city (${lit.length})`);
  await shot("lineage-columns");
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-columns"]');
  // people changes (a restore from the CLI): people_cities is stale until refreshed.
  execFileSync(lakeBin, ["--lake", lakeDir, "restore", "people", "--version", "2"]);
  await d.click('.tab-panel:not([hidden]) [data-testid="dataset-tab-versions"]');
  await d.click('.tab-panel:not([hidden]) [data-testid="dataset-tab-lineage"]');
  const staleEl = await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-stale"]');
  check((await d.text(staleEl)).includes("people is at v4, this read v3"), `stale is shown: ${await d.text(staleEl)}`);
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-refresh"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id="people@v4"]', { timeout: 30000 });
  check((await d.findAll('.tab-panel:not([hidden]) [data-testid="lineage-stale"]')).length === 0, "after Refresh it reads people v4 and is fresh");
  await d.wait('.tab-panel:not([hidden]) .dataset-head', { text: "v2 · 4 rows" });
  check(true, "the dataset's header shows its new version: v2 · 4 rows");
  await shot("lineage-refreshed");
  await d.click('.tab-panel:not([hidden]) [data-testid="lineage-node"][data-id="people@v4"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-view"][data-name="people"]');
  check(true, "clicking people in the graph opens people");
  await d.click('[aria-label="Close people_cities"]');

  console.log("4d. a quality rule (added from the CLI) fails; the Quality tab shows it and the failing rows");
  execFileSync(lakeBin, ["--lake", lakeDir, "rule", "add", "people", "known_cities", "in_set", "--column", "city", "--values", "London,Arlington,Helsinki"]);
  await d.click('.tab-panel:not([hidden]) [data-testid="dataset-tab-quality"]');
  const failing = await d.wait('.tab-panel:not([hidden]) [data-testid="quality-rule"][data-rule="known_cities"][data-passed="no"]');
  check((await d.text(failing)).includes("1 of 4 rows not in the set"), `the rule fails on one row: ${await d.text(failing)}`);
  const badge = await d.wait('.tab-panel:not([hidden]) [data-testid="quality-badge"]');
  check((await d.text(badge)).includes("1 rule fails"), "the dataset's header carries a badge: 1 rule fails");
  await d.wait('.tab-panel:not([hidden]) .dataset-head', { text: "v4 · 4 rows" });
  check(true, "the open people tab shows the version the CLI made (v4 · 4 rows)");
  await shot("quality");
  // A rule added in the app: ids are unique (they are), then removed again.
  await d.type('.tab-panel:not([hidden]) [data-testid="rule-name"]', "ids_unique");
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="rule-kind"]', "unique");
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="rule-column"]', "id");
  await d.click('.tab-panel:not([hidden]) [data-testid="rule-add"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="quality-rule"][data-rule="ids_unique"][data-passed="yes"]');
  check(true, "a rule added from the Quality tab is checked at once: ids_unique passes");
  await d.click('.tab-panel:not([hidden]) [data-testid="quality-rule"][data-rule="ids_unique"] [data-testid="quality-drop"]');
  for (let i = 0; i < 50 && (await d.findAll('.tab-panel:not([hidden]) [data-testid="quality-rule"][data-rule="ids_unique"]')).length > 0; i++) await sleep(100);
  check((await d.findAll('.tab-panel:not([hidden]) [data-testid="quality-rule"][data-rule="ids_unique"]')).length === 0, "Remove drops it");
  await d.click('.tab-panel:not([hidden]) [data-testid="quality-rows"]');
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="run"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Barbara" });
  check(true, "Show failing rows runs as a query and lists Barbara (Boston)");
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);

  console.log("4d2. a view made from the CLI is listed in the catalog and opens as a query");
  execFileSync(lakeBin, ["--lake", lakeDir, "view", "create", "london_people", "AS", "SELECT name FROM people WHERE city = 'London'"]);
  await d.exec("window.dispatchEvent(new Event('focus'))");
  await d.click(await d.wait('[data-testid="catalog-view"][data-name="london_people"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="run"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Ada" });
  check(true, "the view london_people is in the catalog; opening it queries it (Ada)");
  // The same query saved as a view from the app, then dropped from the catalog.
  await d.click('.tab-panel:not([hidden]) [data-testid="keep-view"]');
  await d.type(await d.wait('.tab-panel:not([hidden]) [data-testid="keep-view-name"]'), "londoners");
  await d.click('.tab-panel:not([hidden]) [data-testid="keep-view-create"]');
  const savedView = await d.wait('.tab-panel:not([hidden]) [data-testid="keep-view-done"]');
  check((await d.text(savedView)).includes("Saved as the view londoners"), `Save as view… saves it: ${await d.text(savedView)}`);
  await d.wait('[data-testid="catalog-view"][data-name="londoners"]');
  await d.click('[data-testid="catalog-view"][data-name="londoners"] ~ [data-testid="catalog-view-drop"]');
  await d.click(await d.wait('[data-testid="catalog-view-drop-yes"]'));
  for (let i = 0; i < 50 && (await d.findAll('[data-testid="catalog-view"][data-name="londoners"]')).length > 0; i++) await sleep(100);
  check((await d.findAll('[data-testid="catalog-view"][data-name="londoners"]')).length === 0, "the view listed in the catalog is dropped from it (asked twice)");
  check((await d.findAll('[data-testid="catalog-view"][data-name="london_people"]')).length === 1, "the other view stays");
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);

  console.log("4e. the audit log: what was done, filtered, and its hash chain intact");
  await d.click('[data-testid="open-audit"]');
  const chain = await d.wait('[data-testid="audit-check"]');
  check((await d.text(chain)).startsWith("Hash chain intact"), `the chain is checked: ${await d.text(chain)}`);
  await d.wait('[data-testid="audit-row"][data-action="restore"], [data-testid="audit-row"][data-action="commit_version"]');
  await d.selectByValue('[data-testid="audit-action"]', "query");
  let actions = new Set();
  for (let i = 0; i < 50; i++) {
    actions = new Set((await d.tableRows('[data-testid="audit-table"]')).slice(1).map((r) => r[1]));
    if (actions.size === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(actions.size === 1 && actions.has("query"), `filtering by action lists only queries: ${[...actions].join(", ")}`);
  await d.selectByValue('[data-testid="audit-action"]', "");
  await d.type('[data-testid="audit-text"]', "people_cities");
  await d.wait('[data-testid="audit-row"][data-action="commit_version"]', { text: "people_cities" });
  check(true, "the text filter finds people_cities' commits");
  await shot("audit");
  await d.click('[aria-label="Close Audit log"]');

  console.log("4f. personal data: suggested in the schema, tagged, and masked in a query's result");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.contacts"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-schema"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="schema-row"][data-column="emails"] [data-testid="pii-tag"][data-kind="email"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="schema-row"][data-column="emails"] [data-testid="pii-untag"]');
  check(true, "emails was suggested as email addresses and is tagged");
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="pii-masking"]:not([disabled])'));
  const emailsRow = await d.wait('.tab-panel:not([hidden]) [data-testid="schema-row"][data-column="emails"]', { text: "***@" });
  check(!(await d.text(emailsRow)).includes("priya.shah@"), `with masking on, the schema's min and max of emails are masked too: ${await d.text(emailsRow)}`);
  await shot("pii");
  await d.click('[data-testid="new-query"]');
  await setEditor("SELECT name, emails FROM takeout.contacts ORDER BY name");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  const maskedRow = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "***@" });
  check(!(await d.text(maskedRow)).includes("priya.shah@") && !(await d.text(maskedRow)).includes("zoe.obrien@"), `the result shows masked addresses: ${await d.text(maskedRow)}`);
  const maskedBadge = await d.wait('.tab-panel:not([hidden]) [data-testid="masked"]');
  check((await d.text(maskedBadge)).includes("emails"), "the result says which columns are masked");
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);
  // Back as it was for the later steps: masking off, the tag removed.
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="pii-masking"]:not([disabled])'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="pii-masking"]:not([disabled]):not(:checked)');
  // The row re-renders as the switch settles: click Untag until the row offers Tag again.
  for (let i = 0; i < 20; i++) {
    const untag = await d.findAll('.tab-panel:not([hidden]) [data-testid="schema-row"][data-column="emails"] [data-testid="pii-untag"]:not([disabled])');
    if (untag.length === 0) break;
    await d.click(untag[0]).catch(() => {});
    await sleep(250);
  }
  await d.wait('.tab-panel:not([hidden]) [data-testid="schema-row"][data-column="emails"] [data-testid="pii-tag"]');
  await d.click('[aria-label="Close takeout.contacts"]');

  console.log("4g. vacuum: what it would remove is shown first; after it, the old versions are marked vacuumed");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="people"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-versions"]'));
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="vacuum-age"]', "0d");
  await d.click('.tab-panel:not([hidden]) [data-testid="vacuum-preview"]');
  const vplan = await d.wait('.tab-panel:not([hidden]) [data-testid="vacuum-plan"]');
  check((await d.text(vplan)).includes("people@v1") && !(await d.text(vplan)).includes("people@v4"), `the dry run lists old versions, not the current one: ${await d.text(vplan)}`);
  await shot("vacuum-plan");
  await d.click('.tab-panel:not([hidden]) [data-testid="vacuum-run"]');
  const vdone = await d.wait('.tab-panel:not([hidden]) [data-testid="vacuum-done"]', { timeout: 30000 });
  check(/Removed \d+ files/.test(await d.text(vdone)), `vacuum removes them: ${await d.text(vdone)}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="version-1"]', { text: "vacuumed" });
  const v4 = await d.wait('.tab-panel:not([hidden]) [data-testid="version-4"]');
  check((await d.text(v4)).includes("current") && !(await d.text(v4)).includes("vacuumed"), "version 1 is marked vacuumed; the current version 4 is not");
  await d.click('[aria-label="Close people"]');

  console.log("4h. a rollup made from the CLI is marked in the catalog, stale after an append; a retention policy previewed, then applied");
  const dayAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 19) + "Z";
  writeFileSync(join(data, "readings.csv"), `ts,v\n${dayAgo(800)},1\n${dayAgo(400)},2\n${dayAgo(10)},3\n`);
  execFileSync(lakeBin, ["--lake", lakeDir, "import", "--name", "readings", join(data, "readings.csv")]);
  execFileSync(lakeBin, ["--lake", lakeDir, "rollup", "create", "readings_daily", "AS SELECT date_trunc('day', ts) AS day, count(*) AS n FROM readings GROUP BY day"]);
  writeFileSync(join(data, "readings-2.csv"), `ts,v\n${dayAgo(2)},4\n`);
  execFileSync(lakeBin, ["--lake", lakeDir, "import", "--name", "readings", "--mode", "append", join(data, "readings-2.csv")]);
  await d.exec("window.dispatchEvent(new Event('focus'))");
  const rollupItem = await d.wait('[data-testid="catalog-item"][data-name="readings_daily"][data-rollup="stale"]');
  check((await d.attr(rollupItem, "title")).includes("rollup of readings by date_trunc('day', ts)"), `the rollup is marked stale in the catalog: ${await d.attr(rollupItem, "title")}`);
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="readings"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-versions"]'));
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="retention-days"]', "365");
  await d.click('.tab-panel:not([hidden]) [data-testid="retention-save"]');
  const rplan = await d.wait('.tab-panel:not([hidden]) [data-testid="retention-plan"][data-removed="2"]');
  check((await d.text(rplan)).includes("2 of 4 rows are older than"), `setting 365 days shows what it would remove first: ${await d.text(rplan)}`);
  await shot("retention-plan");
  await d.click('.tab-panel:not([hidden]) [data-testid="retention-apply"]');
  const rdone = await d.wait('.tab-panel:not([hidden]) [data-testid="retention-done"]', { timeout: 30000 });
  check((await d.text(rdone)).includes("Version 3 keeps the rows"), `applying it makes version 3: ${await d.text(rdone)}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="version-3"]', { text: "retention" });
  await d.wait('[data-testid="catalog-item"][data-name="readings"]', { text: "2" });
  check(true, "version 3 (retention) is current with 2 rows; version 2 stays restorable");
  await d.click('[aria-label="Close readings"]');

  console.log("5. SQL editor: an error with its hint");
  await d.click('[data-testid="new-query"]');
  await setEditor("SELECT nme FROM people");
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="run"]'));
  const hint = await d.wait('.tab-panel:not([hidden]) [data-testid="error-hint"]');
  check((await d.text(hint)).includes("name"), `the hint suggests name (${await d.text(hint)})`);
  await d.wait(".tab-panel:not([hidden]) .cm-lintRange-error");
  check(true, "the bad column is underlined in the editor");
  await shot("query-error");

  console.log("6. a join query and its values");
  await setEditor(
    "SELECT p.name, sum(o.amount) AS total FROM people p JOIN purchases o ON p.id = o.person_id GROUP BY p.name ORDER BY total DESC",
  );
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}${ENTER}${NULL_KEY}`);
  const top = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Grace" });
  check((await d.text(top)).includes("100"), "Grace's total is 100");
  const second = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="1"]');
  check(/Ada[\s\S]*20/.test(await d.text(second)), "Ada's total is 20");
  await shot("query-join");
  // The same result as a chart: bars per name (picked from the column types), drawn by uPlot.
  await d.click('.tab-panel:not([hidden]) [data-testid="pane-chart"]');
  const chartStatus = await d.wait('.tab-panel:not([hidden]) [data-testid="chart-status"]', { text: "bars" });
  check((await d.text(chartStatus)).includes("3 rows in 3 bars"), `the join's answer charts as bars per name: ${await d.text(chartStatus)}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="chart-plot"] canvas');
  const legend = await d.text(await d.wait('.tab-panel:not([hidden]) [data-testid="chart-plot"] .u-legend'));
  check(legend.includes("sum(total)"), `the chart's legend names the series: ${legend.replace(/\s+/g, " ")}`);
  await shot("chart-bars");
  // Saved as PNG, to a file chosen in the save dialog.
  answerNextDialog(join(data, "chart.png"));
  await d.click('.tab-panel:not([hidden]) [data-testid="chart-save-png"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="chart-saved"]', { text: "chart.png" });
  const png = readFileSync(join(data, "chart.png"));
  check(png.subarray(1, 4).toString() === "PNG" && png.length > 2000, `Save as PNG writes the chart's image (${png.length} bytes)`);
  answerNextDialog(join(data, "chart.svg"));
  await d.click('.tab-panel:not([hidden]) [data-testid="chart-save-svg"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="chart-saved"]', { text: "chart.svg" });
  const svgText = readFileSync(join(data, "chart.svg"), "utf8");
  check(svgText.startsWith("<svg") && (svgText.match(/<rect/g) ?? []).length >= 4 && svgText.includes("sum(total)"), `Save as SVG writes the engine's drawing: ${svgText.length} bytes, ${(svgText.match(/<rect/g) ?? []).length} rects`);
  // A line over time: 3,000 numbers by day, downsampled by the engine to the chart's width.
  await setEditor(
    "SELECT CAST('2024-01-01' AS DATE) + n AS day, n % 97 AS v, CASE n % 3 WHEN 0 THEN 'walk' WHEN 1 THEN 'bus' ELSE 'bike' END AS mode FROM nums",
  );
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}${ENTER}${NULL_KEY}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]', { text: "3,000" });
  await d.click('.tab-panel:not([hidden]) [data-testid="pane-chart"]');
  const lineStatus = await d.wait('.tab-panel:not([hidden]) [data-testid="chart-status"]', { text: "LTTB" });
  const pts = Number(await d.attr(lineStatus, "data-points"));
  check(pts > 100 && pts < 3000 && (await d.text(lineStatus)).includes(`drawn as ${pts.toLocaleString("en-US")} points`), `3,000 rows reach the page as ${pts} points: ${await d.text(lineStatus)}`);
  await shot("chart-line");
  // Coloured by a column: a line per value, each downsampled on its own.
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="chart-color"]', "mode");
  const split = await d.wait('.tab-panel:not([hidden]) [data-testid="chart-status"]', { text: "series by mode" });
  check((await d.text(split)).includes("3 series by mode"), `coloured by mode, the chart has a line per mode: ${await d.text(split)}`);
  const splitLegend = await d.text(await d.wait('.tab-panel:not([hidden]) [data-testid="chart-plot"] .u-legend'));
  check(["walk", "bus", "bike"].every((m) => splitLegend.includes(m)), `the legend names the modes: ${splitLegend.replace(/\s+/g, " ")}`);
  await shot("chart-colour");
  await d.click('.tab-panel:not([hidden]) [data-testid="pane-results"]');

  console.log("6b. the timeline: every dataset with times on one axis, zoomed, and a bar's rows");
  await d.click('[data-testid="open-timeline"]');
  const lp = await d.wait('[data-testid="timeline-strip"][data-dataset="takeout.location_points"]', { timeout: 30000 });
  check((await d.attr(lp, "data-total")) === "8", "the location history's strip counts its 8 points");
  const strips = await d.findAll('.tab-panel:not([hidden]) [data-testid="timeline-strip"]');
  check(strips.length >= 10, `the Takeout's tables with times are strips on one axis (${strips.length})`);
  await shot("timeline");
  const spanOf = async () => {
    const r = await d.wait('.tab-panel:not([hidden]) [data-testid="timeline-range"]');
    return Number(await d.attr(r, "data-to")) - Number(await d.attr(r, "data-from"));
  };
  const whole = await spanOf();
  await d.click('.tab-panel:not([hidden]) [data-testid="timeline-zoom-in"]');
  let zoomed = whole;
  for (let i = 0; i < 50 && zoomed >= whole; i++) {
    await sleep(100);
    zoomed = await spanOf();
  }
  check(Math.abs(zoomed * 2 - whole) < whole * 0.01, `+ halves the range (${whole} → ${zoomed} ms)`);
  await d.click('.tab-panel:not([hidden]) [data-testid="timeline-all"]');
  for (let i = 0; i < 50 && (await spanOf()) !== whole; i++) await sleep(100);
  // A bar of the location history opens its rows as a query.
  const tbar = await d.wait('[data-testid="timeline-strip"][data-dataset="takeout.location_points"] [data-testid="timeline-bar"]');
  const n = await d.attr(tbar, "data-count");
  await d.click(tbar);
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="run"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]', { text: n });
  check(true, `clicking a bar lists its ${n} rows in a query`);
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);
  // Zoom to the day of the first location point: every source's rows of that day, in order.
  const lpStrip = await d.wait('[data-testid="timeline-strip"][data-dataset="takeout.location_points"]');
  const firstMs = Number(await d.attr(lpStrip, "data-min-ms"));
  const dayStart = Math.floor(firstMs / 86_400_000) * 86_400_000;
  const dayText = new Date(dayStart).toISOString().slice(0, 10);
  await d.type('.tab-panel:not([hidden]) [data-testid="timeline-day"]', `${dayText}${ENTER}`);
  const dayCount = await d.wait(`[data-testid="day-view"][data-from="${dayStart}"] [data-testid="day-count"][data-rows]`, { timeout: 30000 });
  const dayRows = await d.exec(
    `return [...document.querySelectorAll('[data-testid="day-row"]')].map((r) => [r.dataset.dataset, Number(r.dataset.ms), r.textContent]);`,
  );
  const lpSource = await d.find('[data-testid="day-source"][data-dataset="takeout.location_points"]');
  const lpDay = Number(await d.attr(lpSource, "data-rows"));
  const lpListed = dayRows.filter((r) => r[0] === "takeout.location_points").length;
  check(lpDay > 0 && lpListed === lpDay, `${dayText}: the day lists its ${lpDay} location points (${lpListed} listed)`);
  check(
    dayRows.every((r, i) => r[1] >= dayStart && r[1] < dayStart + 86_400_000 && (i === 0 || dayRows[i - 1][1] <= r[1])),
    `the day's ${dayRows.length} rows are of that day, in time order (${await d.text(dayCount)})`,
  );
  check(Number(await d.attr(dayCount, "data-rows")) >= dayRows.length, "the day's count covers the rows listed");
  await shot("timeline-day");
  // The day's places: "map" on the location history opens its map with that day's track.
  await d.click('[data-testid="day-source"][data-dataset="takeout.location_points"] [data-testid="day-map"]');
  const dayTrack = await d.wait(`.tab-panel:not([hidden]) [data-testid="map-trackbar"][data-day="${dayText}"]`, { timeout: 20000 });
  check(Number(await d.attr(dayTrack, "data-points")) === lpDay, `"map" in the day view shows the day's ${lpDay} points as a track: ${await d.text(dayTrack)}`);
  await shot("timeline-day-map");
  await d.click('[aria-label="Close takeout.location_points"]');
  await d.click('[data-testid="tab"][data-kind="timeline"] [role="tab"]');
  await d.click('[data-testid="day-close"]');
  await d.click('[aria-label="Close Timeline"]');

  console.log("7. the plan view: TPC-H Q9 analyzed, the whole plan in view, the costly node named");
  await d.click('[data-testid="open-import"]');
  answerNextDialog(...tpchFiles);
  await d.click('[data-testid="pick-files"]');
  await d.wait('[data-testid="import-file"]', { text: "lineitem.parquet" });
  await d.click('[data-testid="import-start"]');
  await d.wait('[data-testid="import-datasets"]', { text: "lineitem", timeout: 60000 });
  const tpchRows = Object.fromEntries((await d.tableRows('[data-testid="import-datasets"]')).slice(1).map((r) => [r[0], r]));
  check(tpchRows["lineitem"]?.[2] === "60,175", `TPC-H SF0.01 imported (lineitem ${tpchRows["lineitem"]?.[2]} rows)`);
  await d.click('[data-testid="import-done"]');
  await d.click('[data-testid="new-query"]');
  await setEditor(readFileSync(join(root, "bench/tpch/queries/q09.sql"), "utf8").replace(/\s+/g, " ").trim());
  await d.click('.tab-panel:not([hidden]) [data-testid="analyze"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="plan-view"]', { timeout: 60000 });
  const nodes = await d.findAll('.tab-panel:not([hidden]) [data-testid="plan-node"]');
  const kinds = await Promise.all(nodes.map((n) => d.attr(n, "data-kind")));
  check(nodes.length >= 10, `the plan has ${nodes.length} nodes (${[...new Set(kinds)].join(", ")})`);
  check(kinds.filter((k) => k === "Join").length >= 5, "the plan joins the six tables");
  // Fit to view on open: every node's box lies inside the plan's viewport.
  const outside = await d.exec(
    `const port = document.querySelector('.tab-panel:not([hidden]) [data-testid="plan-port"]').getBoundingClientRect();
     return [...document.querySelectorAll('.tab-panel:not([hidden]) [data-testid="plan-node"]')]
       .map((n) => n.getBoundingClientRect())
       .filter((r) => r.left < port.left - 1 || r.right > port.right + 1 || r.top < port.top - 1 || r.bottom > port.bottom + 1).length;`,
  );
  check(outside === 0, `the whole plan is in view (${outside} nodes outside)`);
  const titles = await d.exec(
    `return [...document.querySelectorAll('.tab-panel:not([hidden]) [data-testid="plan-node"] .plan-kind, .tab-panel:not([hidden]) [data-testid="plan-node"] .plan-detail')].map((e) => e.textContent);`,
  );
  const debug = titles.filter((t) => /maintain_order|descending: \[|simple π|col\("|Some\(|\{/.test(t));
  check(debug.length === 0, `node titles read as SQL, no engine debug text (${debug.slice(0, 2).join(" | ")})`);
  check(titles.some((t) => /ORDER BY nation ASC, o_year DESC/.test(t)), "the sort reads ORDER BY nation ASC, o_year DESC");
  const costly = await d.text(await d.find('.tab-panel:not([hidden]) [data-testid="plan-costliest"]'));
  check(/^\d+% of the time in \S/.test(costly), `the costliest node is named: "${costly}"`);
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-sort-time"]');
  const times = (await d.exec(
    `return [...document.querySelectorAll('.tab-panel:not([hidden]) [data-testid="plan-table-row"]')].map((r) => r.dataset.time);`,
  )).map(Number);
  check(times.length > nodes.length && times.every((t, i) => i === 0 || t <= times[i - 1]), `the node table lists all ${times.length} nodes (projections that only pick columns too), by time, largest first`);
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-projections"]');
  const withProjections = await d.findAll('.tab-panel:not([hidden]) [data-testid="plan-node"]');
  check(withProjections.length === times.length, `with projections drawn the graph has all ${withProjections.length} nodes`);
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-projections"]');
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-costliest"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="plan-details"]');
  await shot("plan");
  // A second Analyze of the same SQL can be compared with the first (kept in the lake's log).
  await d.click('.tab-panel:not([hidden]) [data-testid="analyze"]');
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="plan-compare"]', { timeout: 60000 }));
  const diffSummary = await d.text(await d.wait('.tab-panel:not([hidden]) [data-testid="plan-diff-summary"]'));
  check(/^total [\d.]+ ms → [\d.]+ ms; nodes: 0 added, 0 removed, \d+ changed$/.test(diffSummary), `the diff of two runs matches every node: "${diffSummary}"`);
  const diffRows = await d.findAll('.tab-panel:not([hidden]) [data-testid="plan-diff-row"]');
  check(diffRows.length === times.length, `the diff lists all ${times.length} nodes`);
  const sides = await d.findAll('.tab-panel:not([hidden]) [data-testid="plan-diff"] [data-testid="plan-view"]');
  check(sides.length === 2, "both plans are drawn side by side");
  await shot("plan-diff");
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-diff-close"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="plan-costliest"]');
  const planPage = join(out, "q9-plan.html");
  answerNextDialog(planPage);
  await d.click('.tab-panel:not([hidden]) [data-testid="plan-save-html"]');
  await d.wait(".notice", { text: "Saved the plan" });
  const page = readFileSync(planPage, "utf8");
  check(/% of the time in /.test(page) && page.includes("ORDER BY nation ASC, o_year DESC"), "the plan saved as one HTML page names the costly node");

  console.log("8. cancel a long query");
  await setEditor("SELECT count(*) FROM nums x CROSS JOIN nums y CROSS JOIN nums z WHERE x.n + y.n + z.n = -1");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="running"]');
  await sleep(1500);
  await shot("query-running");
  const t0 = Date.now();
  await d.click('.tab-panel:not([hidden]) [data-testid="cancel-query"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="error-box"][data-code="cancelled"]', { timeout: 15000 });
  check(true, `the query stopped ${Date.now() - t0} ms after Cancel`);
  await setEditor("SELECT count(*) AS n FROM nums");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "3000" });
  check(true, "the next query runs at once");
  await shot("after-cancel");

  console.log("8b. monitoring: the figures of this session, the slowest queries, the history filtered, a past query re-run");
  await d.click('[data-testid="open-monitor"]');
  const figQueries = Number((await d.text(await d.wait('[data-testid="fig-queries"] b'))).replace(/,/g, ""));
  const figImports = Number((await d.text(await d.wait('[data-testid="fig-imports"] b'))).replace(/,/g, ""));
  check(figQueries >= 5 && figImports >= 3, `the figures count this session: ${figQueries} queries, ${figImports} imports`);
  await d.wait('[data-testid="chart-ingest"] canvas');
  await d.wait('[data-testid="chart-latency"] canvas');
  check(true, "the latency and ingest charts are drawn");
  await d.wait('[data-testid="slow-queries"]');
  const slowRows = await d.tableRows('[data-testid="slow-queries"]');
  check(slowRows.length >= 4, `the slowest queries are listed (${slowRows.length - 1}), slowest first: ${slowRows[1]?.[1]}`);
  await d.selectByValue('[data-testid="runs-status"]', "cancelled");
  const cancelledRow = await d.wait('[data-testid="runs-table"] [data-testid="run-row"][data-status="cancelled"]');
  check((await d.text(cancelledRow)).includes("CROSS JOIN"), "filtered by status, the history shows the cancelled cross join");
  await shot("monitoring");
  await d.selectByValue('[data-testid="runs-status"]', "ok");
  await d.type('[data-testid="runs-text"]', "AS n FROM nums");
  let numsRows = [];
  let sqlAt = -1;
  for (let i = 0; i < 50; i++) {
    const [head = [], ...rows] = (await d.tableRows('[data-testid="runs-table"]')) ?? [];
    sqlAt = head.indexOf("SQL");
    numsRows = rows;
    if (numsRows.length > 0 && numsRows.every((r) => r[sqlAt].includes("AS n FROM nums"))) break;
    await sleep(100);
  }
  check(numsRows.length >= 1 && numsRows.every((r) => r[sqlAt].includes("AS n FROM nums")), `the text filter keeps only that query's runs (${numsRows.length})`);
  // The filtered history sits at the panel's foot: its button is scrolled fully into view first
  // (WebKitWebDriver will not click one cut off at the window's edge).
  await d.exec(`document.querySelector('[data-testid="runs-table"] [data-testid="run-again"]').scrollIntoView({ block: "center" });`);
  await d.click('[data-testid="runs-table"] [data-testid="run-again"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "3000" });
  check(true, "Re-run opens the past query in a new tab and runs it (3000)");
  await d.type(".tab-panel:not([hidden]) .cm-content", `${CTRL}w${NULL_KEY}`);
  await d.click('[aria-label="Close Monitoring"]');

  console.log("9. the map: a Takeout's places from the R-tree; a box drawn on it becomes SQL");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.location_points"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-map"]'));
  const mapStatus = await d.wait('.tab-panel:not([hidden]) [data-testid="map-status"]:not([data-total=""])', { timeout: 30000 });
  const inView = Number(await d.attr(mapStatus, "data-total"));
  const drawnPts = Number(await d.attr(mapStatus, "data-drawn"));
  check(inView > 0 && drawnPts === inView, `the engine sent the ${inView} points in view: ${await d.text(mapStatus)}`);
  const mapEl = await d.wait('.tab-panel:not([hidden]) [data-testid="map"][data-rendered]', { timeout: 30000 });
  const rendered = Number(await d.attr(mapEl, "data-rendered"));
  check(rendered > 0 && rendered <= drawnPts, `the map drew ${rendered} of the ${drawnPts} point features`);
  const framed = await d.wait('.tab-panel:not([hidden]) [data-testid="map-status"]:not([data-frame-ms=""])', { timeout: 30000 });
  const frameMs = Number(await d.attr(framed, "data-frame-ms"));
  check(frameMs > 0 && (await d.text(framed)).includes("on screen in"), `the map says how long the answer took to reach the screen: ${await d.text(framed)}`);
  // The points are really on the canvas: pixels of their teal (#4fb3bf), read from the frame.
  const teal = await d.exec(
    `const c = document.querySelector('.tab-panel:not([hidden]) [data-testid="map"] canvas.maplibregl-canvas');
     const t = document.createElement("canvas");
     t.width = c.width; t.height = c.height;
     const g = t.getContext("2d");
     g.drawImage(c, 0, 0);
     const px = g.getImageData(0, 0, t.width, t.height).data;
     let n = 0;
     for (let i = 0; i < px.length; i += 4)
       if (Math.abs(px[i] - 0x4f) < 40 && Math.abs(px[i + 1] - 0xb3) < 40 && Math.abs(px[i + 2] - 0xbf) < 40) n++;
     return n;`,
    [],
  );
  // A point is a disc of about 30 pixels; points at one place share theirs.
  check(teal >= 20, `the ${rendered} points are drawn on the map's canvas (${teal} pixels of their colour)`);
  await shot("map");
  await d.click('.tab-panel:not([hidden]) [data-testid="map-heat"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="map-heat"].on');
  await sleep(800);
  await shot("map-heatmap");
  await d.click('.tab-panel:not([hidden]) [data-testid="map-heat"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="map-heat"]:not(.on)');
  await d.click('.tab-panel:not([hidden]) [data-testid="map-draw"]');
  await d.drag('.tab-panel:not([hidden]) [data-testid="map"]', [-250, -160], [250, 160]);
  // The box is counted on the map, and becomes a query in a new editor tab, shown at once.
  const boxEl = await d.wait('[data-testid="map-box"]', { timeout: 15000 });
  const inBox = Number(await d.attr(boxEl, "data-total"));
  check(inBox > 0 && inBox <= inView, `the drawn box holds ${inBox} of the ${inView} points`);
  const boxSqlText = await d.text(await d.wait(".tab-panel:not([hidden]) .cm-content", { text: "ST_Within" }));
  check(boxSqlText.includes("ST_MakeEnvelope"), "the box is in the editor as ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(...))");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  const boxCount = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]', { timeout: 30000 });
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]');
  const counted = Number((await d.text(boxCount)).match(/^[\d,]+/)[0].replace(/,/g, ""));
  check(counted === Math.min(inBox, 1000), `the query of the box returns ${counted} rows, as the map counted`);
  await shot("map-box-query");
  // The result has lon/lat columns: its own Map pane draws its rows.
  await d.click('.tab-panel:not([hidden]) [data-testid="pane-map"]');
  const resultMap = await d.wait('.tab-panel:not([hidden]) [data-testid="map-status"]:not([data-total=""])', { timeout: 30000 });
  check(Number(await d.attr(resultMap, "data-total")) === counted, `the result's map shows its ${counted} rows: ${await d.text(resultMap)}`);
  const resultDrawn = await d.wait('.tab-panel:not([hidden]) [data-testid="map"][data-rendered]', { timeout: 30000 });
  check(Number(await d.attr(resultDrawn, "data-rendered")) === counted, "and MapLibre drew them");
  await shot("result-map");
  // Back on the map, the box is drawn over the points.
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.location_points"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="map-box"]');
  await shot("map-box");

  console.log("9c. a shape drawn on the map becomes SQL, is kept as a fence, and its stays are queried");
  await d.click('.tab-panel:not([hidden]) [data-testid="map-shape"]');
  await d.clicks('.tab-panel:not([hidden]) [data-testid="map"]', [[-250, -160], [250, -160], [250, 160], [-250, 160], [-250, -160]]);
  // (Clicking the first corner again closes the shape.)
  const shapeSqlText = await d.text(await d.wait(".tab-panel:not([hidden]) .cm-content", { text: "ST_GeomFromText" }));
  check(/ST_Within\(ST_Point\(lon, lat\), ST_GeomFromText\('POLYGON\(\(/.test(shapeSqlText), "the shape is in the editor as ST_Within(ST_Point(lon, lat), ST_GeomFromText('POLYGON((...))'))");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  const shapeCount = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]', { timeout: 30000 });
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]');
  const inShape = Number((await d.text(shapeCount)).match(/^[\d,]+/)[0].replace(/,/g, ""));
  check(inShape === counted, `the shape drawn over the box's corners holds the same ${inShape} points`);
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.location_points"]'));
  await d.type(await d.wait('.tab-panel:not([hidden]) [data-testid="map-fence-name"]'), "Office");
  await d.click('.tab-panel:not([hidden]) [data-testid="map-fence-save"]');
  const savedEl = await d.wait('.tab-panel:not([hidden]) [data-testid="map-fence-saved"]', { timeout: 15000 });
  check((await d.text(savedEl)).includes("Saved “Office” in fences (1 fence)"), `the fence is saved: ${await d.text(savedEl)}`);
  await d.wait('[data-testid="catalog-item"][data-name="fences"]');
  check(true, "the catalog lists the new fences dataset");
  const fencesEl = await d.wait('.tab-panel:not([hidden]) [data-testid="map-fences"][data-count="1"]', { timeout: 15000 });
  check((await d.text(fencesEl)).includes("1 fence"), `the map draws the saved fence: ${await d.text(fencesEl)}`);
  await shot("map-fence");
  await d.click(".tab-new");
  await setEditor("SELECT fence, count(*) AS stays, sum(points) AS pts FROM geofence_events('takeout.location_points', 'fences') GROUP BY fence");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  const stayRow = await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Office", timeout: 30000 });
  const stayText = await d.text(stayRow);
  check(stayText.includes("Office"), `geofence_events finds stays in the drawn fence: ${stayText}`);
  await shot("geofence-events");
  console.log("9d. a day of the location history as a track");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.location_points"]'));
  await d.click('.tab-panel:not([hidden]) [data-testid="map-track"]');
  const bar = await d.wait('.tab-panel:not([hidden]) [data-testid="map-trackbar"]:not([data-day=""])', { timeout: 15000 });
  const day = await d.attr(bar, "data-day");
  const dayPts = Number(await d.attr(bar, "data-points"));
  check(/^\d{4}-\d{2}-\d{2}$/.test(day) && dayPts > 0, `the last day with points, ${day}, has ${dayPts}: ${await d.text(bar)}`);
  const trackMap = await d.wait('.tab-panel:not([hidden]) [data-testid="map"][data-track]', { timeout: 15000 });
  // MapLibre draws when its style and tiles are ready: a busy machine takes longer.
  for (let i = 0; i < 100 && !(Number(await d.attr(trackMap, "data-track")) > 0) && dayPts > 1; i++) await sleep(100);
  check(Number(await d.attr(trackMap, "data-track")) > 0 || dayPts === 1, "MapLibre drew the track's line");
  await shot("map-track");
  const prev = await d.wait('.tab-panel:not([hidden]) [data-testid="track-prev"]');
  if ((await d.attr(prev, "disabled")) === null) {
    await d.click(prev);
    await d.wait(`.tab-panel:not([hidden]) [data-testid="map-trackbar"]:not([data-day="${day}"])`, { timeout: 15000 });
    check(true, "◀ goes to the previous day with points");
  }

  console.log("9e. find similar: mail made searchable, a search by meaning, the rows like one row");
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="takeout.emails"]'));
  await d.wait('.tab-panel:not([hidden]) [data-testid="searchable-column"]');
  await d.selectByValue('.tab-panel:not([hidden]) [data-testid="searchable-column"]', "body_text");
  await d.click('.tab-panel:not([hidden]) [data-testid="make-searchable"]');
  const made = await d.wait('.tab-panel:not([hidden]) [data-testid="searchable-report"]', { timeout: 60000 });
  check((await d.text(made)).includes("3 of 3 rows searchable"), `make searchable: ${await d.text(made)}`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="searchable-done"]', { text: "body_text" });
  await d.wait('.tab-panel:not([hidden]) .dataset-head', { text: "v2" });
  check(true, "the dataset has a new version, with the body_text_embedding column");
  await shot("make-searchable");
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "Book club" }));
  await d.click('.tab-panel:not([hidden]) [data-testid="find-similar"]:not([disabled])');
  const near = await d.wait('.tab-panel:not([hidden]) [data-testid="query-tab"] [data-testid="grid-row"][data-row="0"]', { timeout: 30000 });
  const nearText = await d.text(near);
  check(nearText.includes("Book club"), `Find similar: the row itself first (${nearText.slice(0, 80)})`);
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="2"]');
  await shot("find-similar");
  await d.click('[data-testid="open-search"]');
  await d.type(await d.wait('[data-testid="semantic-input"]'), "which book do we read next month");
  await d.click('[data-testid="semantic-go"]');
  const firstHit = await d.wait('[data-testid="search-hit"]', { text: "Moonstone", timeout: 30000 });
  const hitsText = (await d.findAll('[data-testid="search-hit"]')).length;
  check((await d.attr(firstHit, "data-dataset")) === "takeout.emails" && hitsText === 3, `the top hit is the book club mail (${hitsText} hits)`);
  const firstIsIt = await d.exec(`return document.querySelector('[data-testid="search-hit"]').textContent;`);
  check(firstIsIt.includes("Moonstone"), "and it is first");
  // By keyboard: ↓ from the box to the first hit, Enter opens it.
  await d.type('[data-testid="semantic-input"]', "\uE015");
  const focused = await d.exec(`return document.activeElement?.closest('[data-testid="search-hit"]')?.textContent ?? "";`);
  check(focused.includes("Moonstone"), "the down arrow goes from the search box to the first hit");
  await d.type(await d.find('[data-testid="search-hit"] .hit'), ENTER);
  await d.wait('[data-testid="search-row"] [data-testid="grid-row"][data-row="0"]', { text: "Book club" });
  check(true, "Enter on a hit opens its row");
  await shot("semantic-search");
  await d.click('[data-testid="search-as-sql"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="query-tab"] [data-testid="grid-row"][data-row="0"]', { text: "Book club", timeout: 30000 });
  await d.click('.tab-panel:not([hidden]) [data-testid="explain"]');
  // Three mails are fewer than the 20 asked for: every row is compared (the CLI test shows the index at work).
  await d.wait('.tab-panel:not([hidden]) [data-testid="plan-node"]', { text: "array_cosine_distance", timeout: 30000 });
  check(true, "the same search as SQL has its plan: rows ranked by array_cosine_distance");
  await shot("semantic-plan");

  console.log("9b. the IPC surface: bad calls get typed errors, and the app goes on");
  // Through the UI's own entry point (bindings/commands.ts `call`), as every screen calls.
  const call = (cmd, args) =>
    d.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__datapunkCall(arguments[0], arguments[1])
         .then((r) => done({ ok: true }), (e) => done({ ok: false, e }));`,
      [cmd, args],
    );
  const bad = [
    ["no_such_command", {}, "unknown_command"],
    ["plugin:fs|read_text_file", { path: "/etc/passwd" }, "unknown_command"],
    ["run_query", { sql: 42, tab: "t" }, "invalid_arguments"],
    ["run_query", { tab: "t" }, "invalid_arguments"],
    ["fetch_rows", { id: "x", offset: -1, limit: 10 }, "invalid_arguments"],
    ["preview_import", { paths: "/etc" }, "invalid_arguments"],
    ["run_query", { sql: "x".repeat(9 << 20), tab: "t" }, "invalid_arguments"],
    ["run_query", { sql: "SELECT * FROM read_csv('/etc/passwd')", tab: "t" }, "rejected_statement"],
    ["export_result", { id: 999999, path: "/tmp/x.csv", format: "csv", spreadsheetSafe: true }, "path_not_chosen"],
    ["preview_import", { paths: ["/etc/passwd"] }, "path_not_chosen"],
    ["open_lake", { path: "/tmp", create: true }, "path_not_chosen"],
  ];
  for (const [cmd, args, want] of bad) {
    const r = await call(cmd, args);
    const e = r.e;
    const typed = !r.ok && e && typeof e === "object" && typeof e.code === "string" && typeof e.message === "string";
    check(typed && (want === null || e.code === want), `${cmd}: ${typed ? `${e.code}: ${e.message.slice(0, 70)}` : JSON.stringify(r).slice(0, 120)}`);
  }
  // Raw, past the UI: our own commands still answer with {code, message} from the Rust check.
  const raw = await d.execAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke("run_query", { sql: 42, tab: "t" }).then(() => done(null), (e) => done(e));`,
  );
  check(raw && raw.code === "invalid_arguments", `raw invoke with a wrong type: ${JSON.stringify(raw).slice(0, 120)}`);
  await d.click('[data-testid="new-query"]');
  await setEditor("SELECT count(*) AS n FROM nums");
  await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
  await d.wait('.tab-panel:not([hidden]) [data-testid="grid-row"][data-row="0"]', { text: "3000" });
  check(true, "after the bad calls the app still answers queries");

  console.log("10. back up the lake, verify it, and restore the backup into a new folder");
  const backupDir = join(out, "backup");
  const restoredDir = join(out, "restored");
  rmSync(backupDir, { recursive: true, force: true });
  rmSync(restoredDir, { recursive: true, force: true });
  await d.click('[data-testid="open-backup"]');
  answerNextDialog(backupDir);
  await d.click('[data-testid="backup-now"]');
  const backedUp = await d.wait('[data-testid="backup-done"]', { text: "Backed up" });
  check(/copied \d+/.test(await d.text(backedUp)), `the backup says what it copied: ${(await d.text(backedUp)).slice(0, 120)}`);
  const cliVerify = execFileSync(lakeBin, ["verify", backupDir], { encoding: "utf8" });
  check(cliVerify.includes("every file matches"), `the CLI verifies the app's backup: ${cliVerify.trim()}`);
  await d.click('[data-testid="backup-now"]');
  const again = await d.wait('[data-testid="backup-done"]', { text: "copied 0" });
  check(!!again, "the second backup, to the remembered folder, copies nothing new");
  await d.click('[data-testid="verify-lake"]');
  await d.wait('[data-testid="backup-done"]', { text: "match their checksums" });
  check(true, "Verify finds every file of the lake as it was written");
  await shot("backup");
  writeFileSync(picks, `${backupDir}\n${restoredDir}\n`);
  await d.click('[data-testid="restore-lake"]');
  await d.wait('[data-testid="lake-path-shown"]', { text: "restored" });
  const restoredCount = execFileSync(lakeBin, ["--lake", restoredDir, "query", "--format", "csv", "SELECT count(*) AS n FROM nums"], { encoding: "utf8" });
  check(restoredCount.trim() === "n\n3000", `the restored lake is open and answers as the lake did: ${restoredCount.trim()}`);

  console.log("11. offline: after all of the above the egress log is empty; a request the page tries is blocked and listed");
  const offline = await d.wait('[data-testid="offline-badge"]');
  check((await d.text(offline)) === "● Offline", `the top bar says Offline, nothing blocked: ${await d.text(offline)}`);
  await d.execAsync(
    `const done = arguments[arguments.length - 1];
     fetch("https://example.com/collect?x=1").then(() => done("sent"), () => done("blocked"));`,
  );
  await d.wait('[data-testid="offline-badge"]', { text: "1 blocked" });
  await d.click('[data-testid="offline-badge"]');
  const egress = await d.wait('[data-testid="egress-log"]', { text: "example.com" });
  check((await d.text(egress)).includes("connect-src"), "the page's request was blocked by the policy and is listed in the egress log");
  await shot("egress-log");
  await d.click('[data-testid="offline-badge"]');

  console.log("12. settings: the file is made, edited in another program, and reloaded live; a bad value is named and the last good settings stay");
  await d.click('[data-testid="open-settings"]');
  const settingsFile = await d.text(await d.wait('[data-testid="settings-file"]', { text: "settings.toml" }));
  await d.click('[data-testid="settings-create"]');
  await d.wait('[data-testid="settings-values"]', { text: "laptop" });
  check(readFileSync(settingsFile, "utf8").includes('preset = "laptop"'), `the settings file is written with every key: ${settingsFile}`);
  const themeNow = () =>
    d.execAsync(`const done = arguments[arguments.length - 1]; done(document.documentElement.dataset.theme);`);
  writeFileSync(settingsFile, 'preset = "low-memory"\n[app]\ntheme = "light"\n');
  await d.wait('[data-testid="settings-values"] [data-key="app.theme"]', { text: "light", timeout: 10000 });
  check((await themeNow()) === "light", "saving the file in an editor turns the window light at once");
  await shot("settings-light");
  writeFileSync(settingsFile, 'preset = "low-memory"\n[app]\ntheme = "light"\n[import]\nrows_per_file = 5\n');
  const badSettings = await d.wait('[data-testid="settings-error"]', { text: "line 5", timeout: 10000 });
  check((await d.text(badSettings)).includes("import.rows_per_file"), "a bad value is named by key and line");
  check((await themeNow()) === "light", "and the app keeps its last good settings");
  writeFileSync(settingsFile, '[app]\ntheme = "dark"\n');
  await d.wait('[data-testid="settings-values"] [data-key="app.theme"]', { text: "dark", timeout: 10000 });
  check((await themeNow()) === "dark", "fixed, the file applies again");

  console.log("13. a lake with a file it did not write: opened, the file left alone and shown");
  const otherLake = join(out, "other-lake");
  rmSync(otherLake, { recursive: true, force: true });
  execFileSync(join(dirname(app), "lake"), ["--lake", otherLake, "init"], { stdio: "ignore" });
  writeFileSync(join(otherLake, "data", "my-notes.txt"), "not the lake's");
  await d.click('[data-testid="switch-lake"]');
  answerNextDialog(otherLake);
  await d.click('[data-testid="open-lake-folder"]');
  const foreign = await d.wait('[data-testid="foreign-files"]');
  check((await d.text(foreign)).includes("my-notes.txt"), "the file the lake did not write is named on screen");
  check(readFileSync(join(otherLake, "data", "my-notes.txt"), "utf8") === "not the lake's", "and left as it was");
  check(existsSync(join(otherLake, "catalog.sqlite")), "the other lake is open");
  // Closing many tabs' views takes the window a moment.
  let tabsNow = await d.findAll('[data-testid="tab"]');
  for (let i = 0; i < 50 && tabsNow.length !== 1; i++) {
    await sleep(100);
    tabsNow = await d.findAll('[data-testid="tab"]');
  }
  check(tabsNow.length === 1, `the previous lake's tabs closed (${tabsNow.length} open)`);
  await shot("foreign-files");
  console.log("e2e: all checks passed");
} catch (e) {
  console.error(`e2e FAILED: ${e.message}`);
  // What the window says is wrong, if it says anything.
  for (const box of await d.findAll('[data-testid="error-box"]').catch(() => [])) {
    console.error(`  on screen: ${(await d.text(box).catch(() => "")).slice(0, 300)}`);
  }
  await shot("failure").catch(() => {});
  process.exitCode = 1;
} finally {
  await d.stop();
}
