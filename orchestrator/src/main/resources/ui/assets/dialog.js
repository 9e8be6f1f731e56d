// Asking a person for a reason (and, for an override, an output) before an intervention: a
// modal <dialog>, labelled, with the focus in its first field, closed by Escape.
import {h} from "./dom.js";

/**
 * Asks for a reason for {@code action}; resolves to {reason, output} or null when cancelled.
 * With {@code withOutput}, also asks for a JSON output (for an override).
 */
export function askReason(title, action, {withOutput = false, danger = false} = {}) {
  return new Promise(resolve => {
    const reason = h("textarea", {id: "reason", name: "reason", required: true, rows: 3});
    reason.classList.add("short");
    const output = withOutput
      ? h("textarea", {id: "output", name: "output", rows: 5, spellcheck: "false"}, "{}")
      : null;
    const error = h("p", {class: "error", role: "alert", hidden: true});
    const confirm = h("button", {type: "submit", class: danger ? "danger" : ""}, action);
    const cancel = h("button", {type: "button", class: "quiet"}, "Cancel");
    const form = h("form", {method: "dialog"},
      h("h2", {id: "dialog-title"}, title),
      h("label", {for: "reason"}, "Reason (recorded in the run's audit trail)"),
      reason,
      output && [h("label", {for: "output"}, "Output (JSON)"), output],
      error,
      h("div", {class: "actions"}, confirm, cancel));
    const dialog = h("dialog", {"aria-labelledby": "dialog-title"}, form);
    const done = value => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", event => {
      event.preventDefault();
      if (!reason.value.trim()) {
        error.textContent = "Say why: a reason is required.";
        error.hidden = false;
        reason.focus();
        return;
      }
      let parsed;
      if (output) {
        try {
          parsed = JSON.parse(output.value);
        } catch (e) {
          error.textContent = `The output is not JSON: ${e.message}`;
          error.hidden = false;
          output.focus();
          return;
        }
      }
      done({reason: reason.value.trim(), output: parsed});
    });
    cancel.addEventListener("click", () => done(null));
    dialog.addEventListener("cancel", event => {
      event.preventDefault();
      done(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
