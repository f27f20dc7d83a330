// Drives Debian's chromium (through playwright-core) against the plugin's
// dashboard pages, embedded by the stand-in dashboard (dashboard/), over the
// real stack tests/saleor/test_dashboard_e2e.py starts.
//
//   node tests/e2e/run.mjs <config.json>
//
// The config names the URLs, users and Saleor objects; the script performs the
// merchant's scenarios through the pages' UI (roles, labels and text only),
// takes a screenshot of each page in light and dark, and writes what it saw
// (actions the pages sent the dashboard, requests it blocked, console errors)
// to config.results for pytest to check. Exit status 1 and a message on stderr
// when a step fails; a screenshot of the moment is written beside the others.
import fs from "node:fs";
import path from "node:path";

import { chromium } from "playwright-core";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const started = Date.now();
const result = {
  extensions: [],
  steps: [],
  actions: [],
  handshakes: [],
  standInErrors: [],
  blocked: [],
  failedRequests: [],
  consoleErrors: [],
  cspViolations: [],
  cspCanary: [],
  pageErrors: [],
  screenshots: [],
  orderIds: {},
  noAccess: {},
};

// As the machine's probe found: without the background-networking switches
// chromium keeps trying Google's hosts, which this machine refuses.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const STEP_TIMEOUT = 30_000;
const OPEN_STATUSES = ["PENDING", "UPLOADED", "IN_QUEUE", "IN_PROGRESS"];
const CSP_MARK = "CSP violation:";

// In every frame, before its own scripts: report what the Content Security
// Policy blocks, so a page that needs more than its policy allows fails.
function reportCspViolations(mark) {
  document.addEventListener(
    "securitypolicyviolation",
    (event) => console.error(`${mark} ${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`),
    true,
  );
}

function seconds() {
  return ((Date.now() - started) / 1000).toFixed(1);
}

function log(message) {
  console.log(`[e2e ${seconds()}s] ${message}`);
}

let currentStep = "start";
async function step(name, body) {
  currentStep = name;
  const t0 = Date.now();
  log(name);
  await body();
  result.steps.push({ name, ms: Date.now() - t0 });
}

const frameOf = (page, identifier) => page.frameLocator(`#frame-${identifier}`);

/** macaw-ui's Select: a combobox whose options open in a listbox, in a portal
 * on the page's body (outside any dialog the combobox is in). */
async function choose(frame, label, option, scope = frame) {
  await scope.getByRole("combobox", { name: label }).click();
  await frame.getByRole("option", { name: option, exact: true }).click();
}

async function notified(page, title, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const actions = await page.evaluate(() => window.standIn.actions);
    const found = actions.find((a) => a.type === "notification" && a.payload.title === title);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = actions.filter((a) => a.type === "notification").map((a) => a.payload.title);
      throw new Error(`no notification "${title}" (seen: ${JSON.stringify(seen)})`);
    }
    await page.waitForTimeout(100);
  }
}

async function shoot(page, name, theme) {
  const file = path.join(config.screenshots, `${name}-${theme}.png`);
  const slot = name === "category-popup" ? page.locator("#popup-body") : page.locator(`.slot[data-identifier="${config.identifiers[name]}"]`);
  await slot.screenshot({ path: file, animations: "disabled" });
  result.screenshots.push(file);
}

/** Light as the page is, then dark through the dashboard's theme event. */
async function shootBoth(page, name, frame) {
  await page.waitForTimeout(300);
  await shoot(page, name, "light");
  await page.evaluate(() => window.standIn.setTheme("dark"));
  // ThemeSync switches macaw-ui's theme; wait until the page really is dark.
  await frame.locator("html").evaluate(async () => {
    for (let i = 0; i < 50; i++) {
      const bg = getComputedStyle(document.body.firstElementChild || document.body).backgroundColor;
      const [r, g, b] = (bg.match(/\d+/g) || ["255", "255", "255"]).map(Number);
      if (r + g + b < 200) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  await page.waitForTimeout(300);
  await shoot(page, name, "dark");
  await page.evaluate(() => window.standIn.setTheme("light"));
}

// The page a failure screenshot is taken of.
let currentPage = null;

async function dashboardPage(context, user) {
  const page = await context.newPage();
  currentPage = page;
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith(CSP_MARK)) {
      result.cspViolations.push({ user: user.email, text, url: message.location().url });
    } else if (message.type() === "error" || /Content Security Policy|Refused to/.test(text)) {
      result.consoleErrors.push({ user: user.email, text, url: message.location().url });
    }
  });
  page.on("pageerror", (error) => result.pageErrors.push({ user: user.email, text: String(error) }));
  page.on("requestfailed", (request) => {
    const failure = request.failure();
    if (failure && failure.errorText !== "net::ERR_BLOCKED_BY_CLIENT" && failure.errorText !== "net::ERR_ABORTED") {
      result.failedRequests.push({ url: request.url(), error: failure.errorText });
    }
  });
  await page.goto(config.dashboardUrl);
  await page.evaluate(([api, email, password]) => window.standIn.login(api, email, password), [config.apiUrl, user.email, user.password]);
  const extensions = await page.evaluate((mounts) => window.standIn.loadExtensions(mounts), config.mounts);
  return { page, extensions };
}

async function open(page, name, entity) {
  return page.evaluate(([identifier, params]) => window.standIn.open(identifier, params), [config.identifiers[name], entity || {}]);
}

// -- the merchant's scenarios --------------------------------------------------------

async function amazonPageSetup(page) {
  const id = config.identifiers["amazon-page"];
  const frame = frameOf(page, id);
  await step("Amazon page: open", async () => {
    await open(page, "amazon-page");
    await frame.getByRole("heading", { name: "Amazon", level: 1 }).waitFor();
    await frame.getByRole("tab", { name: "Marketplaces" }).waitFor();
  });

  await step("Amazon page: configure a marketplace", async () => {
    await frame.getByRole("button", { name: "Configure new marketplace" }).click();
    const account = config.account;
    await frame.getByLabel("Account name").fill(account.name);
    await frame.getByLabel("Seller ID").fill(account.sellerId);
    await choose(frame, "Region", "Europe (EU)");
    await choose(frame, "Environment", "Local sandbox (bundled emulator)");
    await frame.getByLabel("LWA client ID").fill(account.lwaClientId);
    await frame.getByLabel("LWA client secret").fill(account.lwaClientSecret);
    await frame.getByLabel("Refresh token").fill(account.refreshToken);
    await frame.getByRole("button", { name: "Get available marketplaces" }).click();
    await frame.getByRole("radio", { name: new RegExp(config.marketplace.id) }).click();
    await choose(frame, "Saleor channel", config.marketplace.channelLabel);
    for (const warehouse of config.marketplace.warehouses) {
      await frame.getByRole("checkbox", { name: warehouse, exact: true }).click();
    }
    await frame.getByLabel("Stock buffer").fill(String(config.marketplace.stockBuffer));
    // Off, so only the feeds submitted below reach the sandbox.
    await frame.getByRole("checkbox", { name: "Automatically sync product updates" }).click();
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText(`Amazon ${config.marketplace.country} is configured`).waitFor();
    await notified(page, "Marketplace configured");
  });

  await step("Amazon page: add field mappings", async () => {
    await frame.getByRole("button", { name: "Open marketplace" }).click();
    await frame.getByRole("button", { name: "Fields mapping" }).click();
    const dialog = frame.getByRole("dialog", { name: "Fields mapping" });
    for (const mapping of config.fieldMappings) {
      await dialog.getByRole("button", { name: "Add mapping" }).click();
      await dialog.getByLabel("Amazon attribute").fill(mapping.attribute);
      for (const source of mapping.sources) {
        await dialog.getByLabel("Add a source").fill(source);
        await dialog.getByRole("button", { name: "Add source" }).click();
      }
      await dialog.getByRole("button", { name: "Save mapping" }).click();
      await notified(page, `${mapping.attribute} mapped`);
      await dialog.getByRole("list", { name: `Sources for ${mapping.attribute}` }).waitFor();
    }
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await step("Amazon page: add a shipping mapping", async () => {
    await frame.getByRole("button", { name: "Shipping mapping" }).click();
    const dialog = frame.getByRole("dialog", { name: "Shipping mapping" });
    const shipping = config.shippingMapping;
    await choose(frame, "Amazon service level", shipping.serviceLevel, dialog);
    await choose(frame, "Saleor shipping zone", shipping.zone, dialog);
    await choose(frame, "Saleor shipping method", shipping.method, dialog);
    await dialog.getByRole("button", { name: "Add mapping" }).click();
    await notified(page, "Shipping mapping added");
    await dialog.getByRole("table", { name: "Shipping mappings" }).getByText(shipping.method).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await frame.getByText("1 shipping mapping", { exact: true }).waitFor();
  });

  await page.evaluate((identifier) => window.standIn.close(identifier), id);
}

async function amazonPageFeedsAndOrders(page) {
  const id = config.identifiers["amazon-page"];
  const frame = frameOf(page, id);
  await step("Amazon page: open again", async () => {
    await open(page, "amazon-page");
    await frame.getByRole("tab", { name: "Feeds" }).waitFor();
  });

  await step("Amazon page: submit feeds", async () => {
    await frame.getByRole("tab", { name: "Feeds" }).click();
    const label = `Amazon ${config.marketplace.country} (${config.marketplace.id})`;
    await frame.getByRole("checkbox", { name: `Select ${label}` }).click();
    await frame.getByRole("button", { name: "Submit feeds (1)" }).click();
    const dialog = frame.getByRole("dialog", { name: "Submit feeds" });
    await dialog.getByText("Amazon's quota").waitFor();
    // The quota of the chosen marketplace, read when the pop-up opened.
    await dialog.locator('[data-testid^="quota-"]').getByText(label).waitFor();
    await dialog.getByRole("button", { name: "Submit", exact: true }).click();
    await notified(page, "Feeds submitted");
  });

  await step("Amazon page: feeds processed, open a submission's details", async () => {
    const table = frame.getByRole("table", { name: "Feed submissions" });
    // The list follows the submit by itself: it polls until the worker has
    // recorded the submissions and Amazon has settled each (DONE, FATAL…).
    // The tab stays as it is: neither reopened nor reloaded.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const text = await table.innerText();
      const rows = await table.getByRole("button", { name: /^View details of / }).count();
      if (rows >= config.feedKinds.length && !OPEN_STATUSES.some((s) => text.includes(s))) break;
      if (Date.now() > deadline) throw new Error(`the Feed submissions list did not follow the submit: ${text}`);
      await page.waitForTimeout(500);
    }
    await table.getByRole("button", { name: /^View details of LISTINGS feed/ }).first().click();
    const dialog = frame.getByRole("dialog", { name: /^Feed submission / });
    await dialog.getByText("Issues per SKU").waitFor();
    await dialog.getByText("Accepted", { exact: true }).waitFor();
    await dialog.locator(':text("Amazon reported no issues"), section[aria-label^="SKU "]').first().waitFor();
    result.feedDetails = await dialog.innerText();
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  await step("Amazon page: import orders", async () => {
    await frame.getByRole("tab", { name: "Orders" }).click();
    const label = `Amazon ${config.marketplace.country} (${config.marketplace.id})`;
    await frame.getByRole("checkbox", { name: label }).waitFor();
    await frame.getByRole("button", { name: "Start" }).click();
    await notified(page, "Orders imported", 90_000);
    result.importSummary = await frame.getByRole("region", { name: "Import orders" }).innerText();
  });

  await step("Amazon page: screenshots", async () => {
    await frame.getByRole("tab", { name: "Marketplaces" }).click();
    await frame.getByRole("table", { name: "Marketplaces" }).waitFor();
    await shootBoth(page, "amazon-page", frame);
  });
  await page.evaluate((identifier) => window.standIn.close(identifier), id);
}

async function productWidget(page) {
  const frame = frameOf(page, config.identifiers["product-widget"]);
  await step("Product widget: open", async () => {
    await open(page, "product-widget", { productId: config.product.id });
    await frame.getByText("Amazon", { exact: true }).first().waitFor();
    await frame.getByRole("region", { name: "Product type", exact: true }).waitFor();
  });
  await step("Product widget: set the product type", async () => {
    const chooser = frame.getByRole("region", { name: "Product type", exact: true });
    await chooser.getByRole("button", { name: "Change", exact: true }).click();
    await chooser.getByLabel("Search Amazon product types").fill(config.product.keywords);
    await chooser.getByRole("button", { name: "Search", exact: true }).click();
    await chooser.getByRole("button", { name: `Use ${config.product.productType}`, exact: true }).click();
    await chooser.getByTestId("product-type-value").getByText(config.product.productType, { exact: true }).waitFor();
    // What SHIRT needs beyond the marketplace's mappings, on the product itself.
    const mappings = frame.getByRole("region", { name: "Fields mapping", exact: true });
    for (const mapping of config.product.mappings) {
      await mappings.getByLabel("Amazon attribute to map").fill(mapping.attribute);
      await mappings.getByRole("button", { name: "Add mapping" }).click();
      const editor = mappings.getByRole("region", { name: `Mapping for ${mapping.attribute}`, exact: true });
      for (const source of mapping.sources) {
        await editor.getByLabel("Add a source").fill(source);
        await editor.getByRole("button", { name: "Add source" }).click();
      }
    }
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await notified(page, "Amazon options saved");
  });
  await step("Product widget: validate on Amazon", async () => {
    await frame.getByRole("button", { name: "Validate on Amazon" }).click();
    const verdict = frame.getByRole("region", { name: "Validation result" });
    await verdict.waitFor();
    result.validation = await verdict.innerText();
    const actions = await page.evaluate(() => window.standIn.actions);
    const titles = actions.filter((a) => a.type === "notification").map((a) => a.payload.title);
    if (!titles.includes("Amazon accepts this product") && !titles.includes("Amazon found problems")) {
      throw new Error(`no validation notification: ${JSON.stringify(titles)}`);
    }
  });
  await page.evaluate((identifier) => window.standIn.close(identifier), config.identifiers["product-widget"]);
}

async function productWidgetAfterFeeds(page) {
  const frame = frameOf(page, config.identifiers["product-widget"]);
  await step("Product widget: the listing as Amazon accepted it", async () => {
    await open(page, "product-widget", { productId: config.product.id });
    const listing = frame.getByRole("region", { name: "Listing on Amazon", exact: true });
    await listing.locator('section[aria-label$=" LISTINGS"]').first().waitFor();
    result.productListing = await listing.innerText();
  });
  await step("Product widget: screenshots", async () => {
    await shootBoth(page, "product-widget", frame);
    // Where the listing starts in the screenshot, for the README's shortened
    // copy (scripts/readme_screenshots.py).
    const slot = await page.locator(`.slot[data-identifier="${config.identifiers["product-widget"]}"]`).boundingBox();
    const listing = await frame.getByRole("region", { name: "Listing on Amazon", exact: true }).boundingBox();
    fs.writeFileSync(
      path.join(config.screenshots, "layout.json"),
      JSON.stringify({ "product-widget": { listingTop: Math.round(listing.y - slot.y) } }),
    );
  });
  await page.evaluate((identifier) => window.standIn.close(identifier), config.identifiers["product-widget"]);
}

async function categoryPopup(page) {
  const frame = frameOf(page, config.identifiers["category-popup"]);
  await step("Category popup: open", async () => {
    await open(page, "category-popup", { categoryId: config.category.id });
    await frame.getByRole("heading", { name: "Amazon options" }).waitFor();
  });
  await step("Category popup: set the category's product type", async () => {
    const chooser = frame.getByRole("region", { name: "All marketplaces", exact: true });
    await chooser.getByRole("button", { name: "Change", exact: true }).click();
    await chooser.getByLabel("Search Amazon product types").fill(config.category.keywords);
    await chooser.getByRole("button", { name: "Search", exact: true }).click();
    await chooser.getByRole("button", { name: `Use ${config.category.productType}`, exact: true }).click();
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await notified(page, "Amazon options saved");
  });
  await step("Category popup: screenshots and close", async () => {
    await shootBoth(page, "category-popup", frame);
    await frame.getByRole("button", { name: "Close", exact: true }).click();
    await page.locator("#popup").waitFor({ state: "hidden" });
  });
}

async function orderWidget(page) {
  const frame = frameOf(page, config.identifiers["order-widget"]);
  await step("Order widget: open an imported order", async () => {
    const amazonOrderId = config.orders.amazonOrderId;
    const order = await page.evaluate(
      ([reference]) =>
        window.standIn.gql("query ($ref: String) { order(externalReference: $ref) { id number } }", { ref: reference }),
      [amazonOrderId],
    );
    if (!order.order) throw new Error(`no Saleor order for Amazon order ${amazonOrderId}`);
    result.orderIds[amazonOrderId] = order.order.id;
    await open(page, "order-widget", { orderId: order.order.id });
    await frame.getByText("Amazon order", { exact: true }).first().waitFor();
    await frame.getByText(amazonOrderId, { exact: true }).waitFor();
    await frame.getByText("IMPORTED", { exact: true }).waitFor();
    await frame.getByText("Shipments confirmed to Amazon").waitFor();
    await frame.getByText(/No shipment confirmed to Amazon yet/).waitFor();
  });
  await step("Order widget: screenshots", async () => {
    await shootBoth(page, "order-widget", frame);
  });
  await step("Order widget: the policy blocks inline script and style", async () => {
    // Proves the policy is in force and that violations are seen: what the
    // pages did above caused none.
    const before = result.cspViolations.length;
    result.cspCanaryRan = await frame.locator("body").evaluate(async (body) => {
      const script = document.createElement("script");
      script.textContent = "window.__cspCanary = true";
      const style = document.createElement("style");
      style.textContent = "body { outline: 1px solid red }";
      body.append(script, style);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return Boolean(window.__cspCanary);
    });
    const deadline = Date.now() + 5_000;
    while (result.cspViolations.length < before + 2 && Date.now() < deadline) await page.waitForTimeout(100);
    result.cspCanary = result.cspViolations.splice(before);
  });
}

// -- without the permissions --------------------------------------------------------

async function withoutPermissions(context) {
  await step("No access: pages the user may not use", async () => {
    const { page, extensions } = await dashboardPage(context, config.user);
    result.noAccess.extensions = extensions.map((e) => ({ identifier: e.identifier, token: Boolean(e.accessToken) }));
    const opened = Date.now();
    await open(page, "order-widget", { orderId: config.orders.saleorOrderId });
    const frame = frameOf(page, config.identifiers["order-widget"]);
    await frame.getByText("You don't have access to this").waitFor();
    result.noAccess.orderWidgetMs = Date.now() - opened;
    log(`No access: the order widget said so after ${result.noAccess.orderWidgetMs} ms`);
    result.noAccess.orderWidget = await frame.locator("body").innerText();
    await open(page, "amazon-page");
    const app = frameOf(page, config.identifiers["amazon-page"]);
    await app.getByText(/needs the .Manage channels. permission/).first().waitFor();
    result.noAccess.amazonPage = await app.locator("body").innerText();
    result.noAccess.handshakes = await page.evaluate(() => window.standIn.handshakes);
    result.actions = await page.evaluate(() => window.standIn.actions);
    result.standInErrors = await page.evaluate(() => window.standIn.errors);
  });
}

async function merchantScenarios(context) {
  let page;
  let extensions;
  await step("Stand-in dashboard: log in and list the extensions", async () => {
    ({ page, extensions } = await dashboardPage(context, config.user));
    result.extensions = extensions.map((e) => ({
      identifier: e.identifier,
      label: e.label,
      mount: e.mountName,
      target: e.targetName,
      url: e.url,
      appUrl: e.app.appUrl,
      token: Boolean(e.accessToken),
      permissions: e.permissions.map((p) => p.code),
    }));
  });
  await amazonPageSetup(page);
  await productWidget(page);
  await categoryPopup(page);
  await amazonPageFeedsAndOrders(page);
  await productWidgetAfterFeeds(page);
  await orderWidget(page);
  result.actions = await page.evaluate(() => window.standIn.actions);
  result.handshakes = await page.evaluate(() => window.standIn.handshakes);
  result.standInErrors = await page.evaluate(() => window.standIn.errors);
  return page;
}

async function main() {
  fs.mkdirSync(config.screenshots, { recursive: true });
  fs.rmSync(path.join(config.screenshots, "failure.png"), { force: true });
  const browser = await chromium.launch({ executablePath: config.chromium, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: "en-US", timezoneId: "UTC" });
    // Nothing leaves the machine: any request to a host other than loopback
    // is answered by the browser itself with a failure, and recorded.
    await context.addInitScript(reportCspViolations, CSP_MARK);
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (LOOPBACK.has(url.hostname)) return route.continue();
      result.blocked.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    if (config.scenario === "no-access") {
      await withoutPermissions(context);
    } else {
      await merchantScenarios(context);
    }
    result.ok = true;
  } catch (error) {
    result.ok = false;
    result.error = `${currentStep}: ${error && error.stack ? error.stack : error}`;
    console.error(`E2E FAILED at "${currentStep}": ${error}`);
    if (currentPage) {
      const file = path.join(config.screenshots, "failure.png");
      await currentPage.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      result.actions = await currentPage.evaluate(() => window.standIn.actions).catch(() => result.actions);
    }
  } finally {
    result.seconds = Number(seconds());
    fs.writeFileSync(config.results, JSON.stringify(result, null, 2));
    await browser.close();
  }
  process.exit(result.ok ? 0 : 1);
}

main();
