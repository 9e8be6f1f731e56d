// Following a run's events live: Server-Sent Events from the node, with the session cookie.
// A dropped connection is resumed where it stopped: the browser reconnects by itself with
// Last-Event-ID (the seq of the last event it got), and should it give up, this reconnects
// after a pause from the last seq seen. The stream is closed at the run's terminal event.

import {api} from "./api.js";

const TERMINAL = new Set(["run.completed", "run.failed", "run.cancelled"]);
const RECONNECT_MS = 2000;

/**
 * Follows {@code runId} from event {@code from}: {@code onEvent(event)} for each event, in order
 * and once each (deltas included, without a seq); {@code onConnection(state)} with "open",
 * "reconnecting" or "closed". Returns a function that stops following.
 */
export function follow(runId, from, onEvent, onConnection = () => {}) {
  let lastSeq = from - 1;
  let source = null;
  let stopped = false;
  let retry = null;

  const handle = message => {
    if (!message.data) return; // A heartbeat.
    const event = JSON.parse(message.data);
    if (event.seq !== undefined) {
      if (event.seq <= lastSeq) return; // Seen before a reconnection.
      lastSeq = event.seq;
    }
    onEvent(event);
    if (TERMINAL.has(event.type)) stop();
  };

  const open = () => {
    const url = `/api/v1/runs/${encodeURIComponent(runId)}/events?from=${lastSeq + 1}`;
    source = new EventSource(url, {withCredentials: true});
    source.onopen = () => onConnection("open");
    source.onmessage = handle;
    source.onerror = () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error answer): if the session ended, to sign in (api() goes
        // there on a 401); else try again from the last event seen.
        onConnection("reconnecting");
        api("/ui/session").then(
          () => retry = setTimeout(open, RECONNECT_MS),
          () => retry = setTimeout(open, RECONNECT_MS));
      } else {
        onConnection("reconnecting");
      }
    };
    // Every event type arrives under its own name; listen to each kind by name.
    for (const type of KNOWN_TYPES) source.addEventListener(type, handle);
  };

  const stop = () => {
    stopped = true;
    clearTimeout(retry);
    if (source) source.close();
    onConnection("closed");
  };

  open();
  return stop;
}

/** The event types a stream names (SSE "event:" fields); others come as plain messages. */
const KNOWN_TYPES = [
  "run.started", "run.completed", "run.failed", "run.cancelled", "run.paused", "run.resumed",
  "step.dispatched", "step.started", "step.succeeded", "step.failed", "step.retry_scheduled",
  "step.skipped", "step.waiting", "step.signalled", "step.overridden", "step.output_rejected",
  "step.turn_started", "step.tool_calls", "step.element_started", "step.iteration_started",
  "step.delta", "plan.asked", "plan.proposed", "plan.adopted", "plan.replanning",
  "state.written", "budget.exceeded",
];
