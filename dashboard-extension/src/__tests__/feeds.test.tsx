import { act, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";

import { FeedSubmissionsList, SUBMISSIONS_POLL_MS, SUBMIT_FOLLOW_MS, type SubmittedFeeds } from "../pages/amazon/FeedSubmissionsList";
import { quotaExplanation } from "../pages/amazon/SubmitFeedsDialog";
import type { GraphQLBody, Routes } from "../test/fakeGraphql";
import { fixture, renderExtension, renderInDashboard } from "../test/render";

const MP_DE = "QW1hem9uTWFya2V0cGxhY2U6MQ==";

/** "Submitted" stands for the Submit feeds pop-up: the list follows what it says was submitted. */
function SubmitHarness({ expected, followMs }: { expected: number; followMs?: number }) {
  const [submitted, setSubmitted] = useState<SubmittedFeeds | null>(null);
  return (
    <>
      <button type="button" onClick={() => setSubmitted((last) => ({ key: (last?.key ?? 0) + 1, expected, at: Date.now() }))}>
        Submitted
      </button>
      <FeedSubmissionsList marketplaces={[]} pollMs={50} followMs={followMs} submitted={submitted} />
    </>
  );
}

type SubmissionsAnswer = { data: { amazonFeedSubmissions: { edges: { node: Record<string, unknown> }[] } } };

/** FeedSubmissions.done with new, settled submissions of these kinds on top. */
function withNewRows(kinds: string[]): GraphQLBody {
  const answer = fixture("FeedSubmissions.done") as SubmissionsAnswer;
  const edges = answer.data.amazonFeedSubmissions.edges;
  const template = (edges[0] as { node: Record<string, unknown> }).node;
  const fresh = kinds.map((kind, index) => ({
    node: { ...template, id: `QW1hem9uRmVlZFN1Ym1pc3Npb246${100 + index}`, kind, status: "DONE", feedId: `5001402000${index}` },
  }));
  edges.unshift(...fresh.reverse());
  return answer as GraphQLBody;
}

async function openFeeds(routes: Routes = {}) {
  const view = renderExtension("app", {
    routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.two"), FeedSubmissions: fixture("FeedSubmissions.done"), ...routes },
  });
  await view.user.click(await screen.findByRole("tab", { name: "Feeds" }));
  await screen.findByRole("table", { name: "Sync status" });
  return view;
}

describe("sync status and submit feeds", () => {
  it("shows the sync status per marketplace", async () => {
    await openFeeds();
    const table = screen.getByRole("table", { name: "Sync status" });
    const [, de, fr] = within(table).getAllByRole("row");
    expect(within(de as HTMLElement).getByText("12")).toBeInTheDocument();
    expect(within(de as HTMLElement).getByText("Waiting for Amazon's feed quota")).toBeInTheDocument();
    expect(within(fr as HTMLElement).getByText("Up to date")).toBeInTheDocument();
  });

  it("shows Amazon's quota and why it waits before sending the chosen feeds", async () => {
    const { user, api, bridge } = await openFeeds({ SubmitFeeds: fixture("SubmitFeeds.ok") });
    expect(screen.getByRole("button", { name: "Submit feeds" })).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Select Amazon DE (A1PA6795UKMFR9)" }));
    await user.click(screen.getByRole("button", { name: "Submit feeds (1)" }));

    const dialog = await screen.findByRole("dialog", { name: "Submit feeds" });
    const quota = await within(dialog).findByTestId(`quota-${MP_DE}`);
    expect(quota).toHaveTextContent("Amazon allows 5 listing feeds per 5 minutes per region and that quota is used up.");
    expect(quota).toHaveTextContent("The next submission is possible");
    expect(within(dialog).getByRole("checkbox", { name: "Listings (full product data)" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Deletions (products removed or excluded)" })).not.toBeChecked();

    await user.click(within(dialog).getByRole("checkbox", { name: "Prices" }));
    await user.click(within(dialog).getByRole("button", { name: "Submit" }));

    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Submit feeds" })).not.toBeInTheDocument());
    expect(api.callsOf("SubmitFeeds")[0]?.variables).toEqual({ kinds: ["LISTINGS", "INVENTORY"], marketplaceIds: [MP_DE] });
    expect(bridge.actionsOf("notification")[0]?.payload).toMatchObject({ status: "success", title: "Feeds submitted" });
    // The list is read again to show the new submissions.
    await waitFor(() => expect(api.callsOf("FeedSubmissions").length).toBeGreaterThan(1));
  });

  it("shows why Amazon's marketplace was refused", async () => {
    const { user } = await openFeeds({ SubmitFeeds: fixture("SubmitFeeds.errors") });
    await user.click(screen.getByRole("checkbox", { name: "Select Amazon FR (A13V1IB3VIYZZH)" }));
    await user.click(screen.getByRole("button", { name: "Submit feeds (1)" }));
    const dialog = await screen.findByRole("dialog", { name: "Submit feeds" });
    await user.click(within(dialog).getByRole("button", { name: "Submit" }));
    expect(await within(dialog).findByText("Amazon FR is not configured (status ERROR); check its credentials first.")).toBeInTheDocument();
  });

  it("explains every wait reason", () => {
    const base = { marketplace: { id: "1", marketplaceId: "A1", country: "DE", currency: "EUR", status: "CONFIGURED" as const, channel: { id: "c", name: "C" } }, pendingChanges: 1, lastSubmissionAt: null, lastReconciledAt: null, lastError: "" };
    expect(quotaExplanation({ ...base, waitingReason: "IDLE", nextSubmissionAt: null })).toBe("Amazon can take a submission now.");
    expect(quotaExplanation({ ...base, waitingReason: "SETTLING", nextSubmissionAt: null })).toMatch(/settling/);
    expect(quotaExplanation({ ...base, waitingReason: "ERROR", nextSubmissionAt: null, lastError: "Amazon is down." })).toMatch(/failed: Amazon is down\./);
    expect(quotaExplanation({ ...base, waitingReason: "DISABLED", nextSubmissionAt: null })).toMatch(/Automatic sync is off/);
  });

  it("tells a user without MANAGE_PRODUCTS why feeds are hidden", async () => {
    const { user } = renderExtension("app", {
      routes: { Marketplaces: fixture("Marketplaces.two"), SyncStatuses: fixture("SyncStatuses.denied"), FeedSubmissions: { data: null, errors: [{ message: "denied", path: ["amazonFeedSubmissions"], extensions: { exceptionCode: "PermissionDenied" } }] } },
    });
    await user.click(await screen.findByRole("tab", { name: "Feeds" }));
    expect(await screen.findByText(/Seeing the sync status needs the “Manage products” permission/)).toBeInTheDocument();
    expect(await screen.findByText(/Seeing feed submissions needs the “Manage products” permission/)).toBeInTheDocument();
  });
});

describe("feed submissions", () => {
  it("lists submissions with status and counts, and shows per-SKU issues with what was sent", async () => {
    const { user, api } = await openFeeds({ FeedSubmission: fixture("FeedSubmission.issues") });
    const table = await screen.findByRole("table", { name: "Feed submissions" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(4);
    expect(within(rows[2] as HTMLElement).getByText("DONE")).toBeInTheDocument();
    expect(within(rows[2] as HTMLElement).getByText("43")).toBeInTheDocument();
    expect(within(rows[3] as HTMLElement).getByText("FATAL")).toBeInTheDocument();
    expect(within(rows[3] as HTMLElement).getByText(/does not match the JSON_LISTINGS_FEED schema/)).toBeInTheDocument();

    await user.click(within(rows[2] as HTMLElement).getByRole("button", { name: /View details/ }));
    const dialog = await screen.findByRole("dialog", { name: "Feed submission 50014019875" });
    const shirt = await within(dialog).findByRole("region", { name: "SKU TSHIRT-RED-M" });
    const fabric = within(shirt).getByText("'fabric_type' is required but not supplied.").closest("tr") as HTMLElement;
    expect(within(fabric).getByText("fabric_type")).toBeInTheDocument();
    expect(within(fabric).getByText("—")).toBeInTheDocument();
    const bullets = within(shirt).getByText("WARNING").closest("tr") as HTMLElement;
    // Amazon's attribute arrays read as their values.
    expect(within(bullets).getByText("100% organic cotton, grown without pesticides and spun in Portugal, Machine washable")).toBeInTheDocument();
    const mug = within(dialog).getByRole("region", { name: "SKU MUG-BLUE" });
    const brand = within(mug).getByText(/conflicts with the Amazon catalog/).closest("tr") as HTMLElement;
    expect(within(brand).getByText("Acme")).toBeInTheDocument();
    // Values without a plain `value` fall back to compact JSON.
    const dimensions = within(mug).getByText(/package dimensions/).closest("tr") as HTMLElement;
    expect(within(dimensions).getByText(/^\[\{"length":\{"value":12,"unit":"centimeters"\}/)).toBeInTheDocument();
    // One submission read by id, with its issues.
    expect(api.callsOf("FeedSubmission")).toHaveLength(1);
    expect(api.callsOf("FeedSubmission")[0]?.variables).toEqual({ id: "QW1hem9uRmVlZFN1Ym1pc3Npb246Mg==", issues: 500 });
    expect(api.unexpected).toEqual([]);
  });

  it("shows the offer sent with a price or quantity issue", async () => {
    const { user } = await openFeeds({
      FeedSubmissions: [fixture("FeedSubmissions.page"), fixture("FeedSubmissions.next")],
      FeedSubmission: fixture("FeedSubmission.prices"),
    });
    await user.click(await screen.findByRole("button", { name: "Load more" }));
    await user.click(await screen.findByRole("button", { name: "View details of PRICES feed 50014019860" }));
    const dialog = await screen.findByRole("dialog", { name: "Feed submission 50014019860" });
    const mug = await within(dialog).findByRole("region", { name: "SKU MUG-BLUE" });
    const row = within(mug).getByText("The price is below the minimum allowed.").closest("tr") as HTMLElement;
    expect(within(row).getByText("price: 1.90 EUR")).toBeInTheDocument();
    // The fresh read's counts replace the list's.
    expect(within(dialog).getByText("42")).toBeInTheDocument();
  });

  it("says when Amazon reported no issues", async () => {
    const { user } = await openFeeds({ FeedSubmission: fixture("FeedSubmission.clean") });
    await user.click(await screen.findByRole("button", { name: "View details of LISTINGS feed 50014019876" }));
    const dialog = await screen.findByRole("dialog", { name: "Feed submission 50014019876" });
    expect(await within(dialog).findByText("Amazon reported no issues")).toBeInTheDocument();
  });

  it("polls while a submission is still at Amazon, and stops after", async () => {
    const { api } = renderInDashboard(<FeedSubmissionsList marketplaces={[]} pollMs={100} />, {
      routes: { FeedSubmissions: [fixture("FeedSubmissions.page"), fixture("FeedSubmissions.done")] },
    });
    const table = await screen.findByRole("table", { name: "Feed submissions" });
    expect(await within(table).findByText("IN_PROGRESS")).toBeInTheDocument();
    await waitFor(() => expect(within(table).queryByText("IN_PROGRESS")).not.toBeInTheDocument());
    const polled = api.callsOf("FeedSubmissions").length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.callsOf("FeedSubmissions").length).toBe(polled);
  });

  it("follows a submit until its submissions are recorded and settled, without reopening the tab", async () => {
    // Real timers would wait 5 s per poll; these advance on demand (and by themselves, for user-event).
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { user, api } = await openFeeds({
        SubmitFeeds: fixture("SubmitFeeds.ok"),
        FeedSubmissions: [
          fixture("FeedSubmissions.empty"), // the tab opens
          fixture("FeedSubmissions.empty"), // read right after "Submit": the worker has not recorded them yet
          fixture("FeedSubmissions.empty"),
          fixture("FeedSubmissions.page"), // recorded, one still at Amazon
          fixture("FeedSubmissions.done"),
        ],
      });
      const table = await screen.findByRole("table", { name: "Feed submissions" });
      expect(await within(table).findByText("No feed submissions yet")).toBeInTheDocument();
      await user.click(screen.getByRole("checkbox", { name: "Select Amazon DE (A1PA6795UKMFR9)" }));
      await user.click(screen.getByRole("button", { name: "Submit feeds (1)" }));
      const dialog = await screen.findByRole("dialog", { name: "Submit feeds" });
      await user.click(within(dialog).getByRole("button", { name: "Submit" }));
      await waitFor(() => expect(api.callsOf("FeedSubmissions")).toHaveLength(2));
      expect(await within(table).findByText("Waiting for the submitted feeds")).toBeInTheDocument();
      expect(within(table).queryByText("No feed submissions yet")).not.toBeInTheDocument();

      await act(() => vi.advanceTimersByTimeAsync(SUBMISSIONS_POLL_MS));
      await waitFor(() => expect(api.callsOf("FeedSubmissions")).toHaveLength(3));
      await act(() => vi.advanceTimersByTimeAsync(SUBMISSIONS_POLL_MS));
      expect(await within(table).findByText("IN_PROGRESS")).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(SUBMISSIONS_POLL_MS));
      await waitFor(() => expect(within(table).queryByText("IN_PROGRESS")).not.toBeInTheDocument());
      expect(within(table).getAllByText("DONE")).toHaveLength(2);
      expect(within(table).getByText("FATAL")).toBeInTheDocument();

      // All there and settled: the list stops polling.
      const polled = api.callsOf("FeedSubmissions").length;
      await act(() => vi.advanceTimersByTimeAsync(SUBMIT_FOLLOW_MS));
      expect(api.callsOf("FeedSubmissions")).toHaveLength(polled);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps following a submit when the Feeds tab is left and opened again", async () => {
    const { user, api } = await openFeeds({
      SubmitFeeds: fixture("SubmitFeeds.ok"),
      SyncStatuses: fixture("SyncStatuses.two"),
      FeedSubmissions: [fixture("FeedSubmissions.empty"), fixture("FeedSubmissions.empty"), fixture("FeedSubmissions.empty"), fixture("FeedSubmissions.done")],
    });
    await user.click(screen.getByRole("checkbox", { name: "Select Amazon DE (A1PA6795UKMFR9)" }));
    await user.click(screen.getByRole("button", { name: "Submit feeds (1)" }));
    await user.click(within(await screen.findByRole("dialog", { name: "Submit feeds" })).getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(api.callsOf("FeedSubmissions")).toHaveLength(2));
    await user.click(screen.getByRole("tab", { name: "Marketplaces" }));
    await user.click(screen.getByRole("tab", { name: "Feeds" }));
    const table = await screen.findByRole("table", { name: "Feed submissions" });
    expect(await within(table).findByText("Waiting for the submitted feeds")).toBeInTheDocument();
  });

  it("counts only new submissions as the submit's, and waits for as many as it makes", async () => {
    const { user, api } = renderInDashboard(<SubmitHarness expected={3} />, {
      routes: {
        FeedSubmissions: [
          fixture("FeedSubmissions.done"),
          fixture("FeedSubmissions.done"), // right after the submit: only the old ones
          withNewRows(["LISTINGS"]), // the first kind recorded (already settled), the others being built
          withNewRows(["LISTINGS"]),
          withNewRows(["LISTINGS", "INVENTORY", "PRICES"]),
        ],
      },
    });
    const table = await screen.findByRole("table", { name: "Feed submissions" });
    await within(table).findAllByText("DONE");
    // Nothing open, nothing submitted: no polling.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(api.callsOf("FeedSubmissions")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Submitted" }));
    expect(await within(table).findByText(/^PRICES · manual/)).toBeInTheDocument();
    expect(api.callsOf("FeedSubmissions")).toHaveLength(5);
    // All three there and settled: polling stops.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(api.callsOf("FeedSubmissions")).toHaveLength(5);
  });

  it("sends no poll while the last one is unanswered", async () => {
    // Amazon's open submissions keep the list polling every 20 ms; each answer takes 150 ms.
    let unanswered = 0;
    let mostAtOnce = 0;
    const slow = async () => {
      unanswered += 1;
      mostAtOnce = Math.max(mostAtOnce, unanswered);
      await new Promise((resolve) => setTimeout(resolve, 150));
      unanswered -= 1;
      return fixture("FeedSubmissions.page") as GraphQLBody;
    };
    const { api } = renderInDashboard(<FeedSubmissionsList marketplaces={[]} pollMs={20} />, {
      routes: { FeedSubmissions: [fixture("FeedSubmissions.page"), slow] },
    });
    await waitFor(() => expect(api.callsOf("FeedSubmissions").length).toBeGreaterThanOrEqual(4), { timeout: 3000 });
    expect(mostAtOnce).toBe(1);
  });

  it("stops waiting for a submit's submissions after a while", async () => {
    const { user, api } = renderInDashboard(<SubmitHarness expected={3} followMs={400} />, {
      routes: { FeedSubmissions: fixture("FeedSubmissions.empty") },
    });
    const table = await screen.findByRole("table", { name: "Feed submissions" });
    await within(table).findByText("No feed submissions yet");
    await user.click(screen.getByRole("button", { name: "Submitted" }));
    expect(await within(table).findByText("Waiting for the submitted feeds")).toBeInTheDocument();
    await waitFor(() => expect(api.callsOf("FeedSubmissions").length).toBeGreaterThan(3));
    // The worker never recorded them (or the filter hides them): back to the list as it is.
    expect(await within(table).findByText("No feed submissions yet", undefined, { timeout: 2000 })).toBeInTheDocument();
    const polled = api.callsOf("FeedSubmissions").length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.callsOf("FeedSubmissions")).toHaveLength(polled);
  });

  it("loads the next page", async () => {
    const { user, api } = await openFeeds({ FeedSubmissions: [fixture("FeedSubmissions.page"), fixture("FeedSubmissions.next")] });
    await user.click(await screen.findByRole("button", { name: "Load more" }));
    expect(await screen.findByText(/PRICES · manual/)).toBeInTheDocument();
    expect(api.callsOf("FeedSubmissions")[1]?.variables).toEqual({ marketplaceId: null, first: 20, after: "YXJyYXljb25uZWN0aW9uOjI=" });
  });

  it("says when nothing was submitted yet", async () => {
    await openFeeds({ FeedSubmissions: fixture("FeedSubmissions.empty") });
    expect(await screen.findByText("No feed submissions yet")).toBeInTheDocument();
  });
});
