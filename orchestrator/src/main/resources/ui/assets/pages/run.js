// One run, live: its graph of steps, a timeline of attempts, its events as they happen, what went
// in and out, what it cost, its audit trail and child runs, and the interventions a person may
// make. The events stream from the node; each one also brings the run's state up to date.
import {get} from "../api.js";
import {announce, h, replace} from "../dom.js";
import {follow} from "../live.js";
import {drawDag} from "../run/dag.js";
import {drawTimeline} from "../run/timeline.js";
import {eventItem} from "../run/events.js";
import {StreamedTexts} from "../run/texts.js";
import {runActions} from "../run/actions.js";
import * as details from "../run/details.js";

/** The state is read again at most this often while events arrive. */
const REFRESH_MS = 250;
const TERMINAL = new Set(["completed", "failed", "cancelled"]);

function section(id, title, ...content) {
  return h("section", {"aria-labelledby": `${id}-heading`, id},
    h("h2", {id: `${id}-heading`}, title), ...content);
}

export function render(main, [runId]) {
  const base = `/api/v1/runs/${encodeURIComponent(runId)}`;
  const events = [];
  const texts = new StreamedTexts();
  let run = null;
  let trail = null;
  let payload;
  let timer = null;
  let stopFollowing = null;
  let stopped = false;

  const connection = h("span", {id: "stream-state", class: "help", role: "status"}, "connecting…");
  const overview = h("div", {});
  const graph = h("div", {class: "dag", id: "dag"});
  const timeline = h("div", {class: "timeline"});
  const stepList = h("div", {id: "steps"});
  const modelText = h("div", {});
  const eventList = h("ol", {id: "events", "aria-live": "off"});
  const io = h("div", {});
  const cost = h("div", {});
  const auditTrail = h("div", {});
  const childRuns = h("div", {});
  const message = h("p", {class: "error", role: "alert", hidden: true});

  main.append(
    h("h1", {}, "Run ", h("span", {class: "mono"}, runId)),
    message,
    section("overview", "Overview", overview, connection),
    section("graph", "Steps graph", graph),
    section("timeline", "Timeline of attempts", timeline),
    section("steps-section", "Steps", stepList),
    section("model-text", "Model text as it streams", modelText),
    section("events-section", "Events", h("div", {class: "events card"}, eventList)),
    section("io", "Inputs and outputs", io),
    section("usage", "Usage and cost", cost),
    section("audit", "Audit trail", auditTrail),
    section("children", "Child runs", childRuns));

  /** After an intervention: its error, or the run's state again. */
  const done = error => {
    if (error) {
      message.textContent = `The intervention was refused: ${error.message}`;
      message.hidden = false;
    } else {
      message.hidden = true;
      announce("Done.");
    }
    refresh(true);
  };

  function draw() {
    if (!run) return;
    replace(overview, details.facts(run), runActions(run, done),
      details.failure(run.cause, run.status === "cancelled" ? "Why it stopped" : "Why it failed"));
    replace(graph, drawDag(run.steps));
    replace(stepList, details.steps(run, done));
    replace(io, details.inputsAndOutputs(run, payload));
    replace(cost, details.usage(run));
    replace(childRuns, details.children(run));
    replace(auditTrail, details.audit(trail));
    drawLive();
  }

  // The timeline follows the events as they come, redrawn at most once a frame: a finished run's
  // events all arrive at once when its page opens.
  let liveFrame = 0;
  function drawLiveSoon() {
    if (liveFrame) return;
    liveFrame = requestAnimationFrame(() => {
      liveFrame = 0;
      drawLive();
    });
  }

  function drawLive() {
    replace(timeline, drawTimeline(events));
    const streaming = texts.entries();
    replace(modelText, streaming.length === 0 ? h("p", {}, "No model is writing now.") :
      streaming.map(([stepId, text]) => [h("h3", {}, stepId), h("pre", {}, text)]));
  }

  /** Reads the state (and the audit trail) again, at once or within {@link REFRESH_MS}. */
  function refresh(now = false) {
    if (timer && !now) return;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      timer = null;
      try {
        const [state, audit] = await Promise.all([get(base), get(`${base}/audit`)]);
        if (stopped) return;
        run = state;
        trail = audit;
        draw();
      } catch (e) {
        if (stopped) return;
        message.textContent = e.status === 404 ? "No such run." : `Cannot read the run: ${e.message}`;
        message.hidden = false;
      }
    }, now ? 0 : REFRESH_MS);
  }

  const onEvent = event => {
    if (event.type === "step.delta") {
      if (texts.add(event)) drawLive();
      return;
    }
    if (event.type === "run.started" && event.data && event.data.spec) {
      payload = event.data.spec.payload;
    }
    if (event.type === "step.succeeded" || event.type === "step.failed") texts.end(event.stepId);
    events.push(event);
    eventList.append(eventItem(event));
    drawLiveSoon();
    refresh();
  };

  const onConnection = state => {
    connection.textContent = {
      open: "following live",
      reconnecting: "connection lost: resuming…",
      closed: run && TERMINAL.has(run.status) ? "the run has ended" : "stopped following",
    }[state] || state;
  };

  refresh(true);
  stopFollowing = follow(runId, 1, onEvent, onConnection);
  return () => {
    stopped = true;
    clearTimeout(timer);
    cancelAnimationFrame(liveFrame);
    if (stopFollowing) stopFollowing();
  };
}
