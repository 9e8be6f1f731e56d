// The sign-in page: sends the pasted key once (or a one-time link's code, from the URL's
// fragment, which no server ever sees), and goes to the dashboard with the session cookie the
// answer set. The key is never kept: not in storage, not in the URL.

const form = document.getElementById("sign-in-form");
const keyInput = document.getElementById("key");
const error = document.getElementById("sign-in-error");

/** Where to go after signing in: a page of the dashboard only, never another site. */
function next() {
  const wanted = new URLSearchParams(location.search).get("next");
  return wanted && /^\/ui\/[A-Za-z0-9/_-]*$/.test(wanted) ? wanted : "/ui/runs";
}

function fail(message) {
  error.textContent = message;
  error.hidden = false;
  keyInput.setAttribute("aria-invalid", "true");
  keyInput.focus();
}

async function signIn(body) {
  const response = await fetch("/ui/session", {
    method: "POST",
    headers: {"Content-Type": "application/json", Accept: "application/json"},
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (response.ok) {
    location.replace(next());
    return;
  }
  let detail = `sign-in refused (HTTP ${response.status})`;
  try {
    detail = (await response.json()).detail || detail;
  } catch (e) {
    // The status says enough.
  }
  fail(detail);
}

form.addEventListener("submit", event => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) {
    fail("Paste an API key first.");
    return;
  }
  keyInput.value = "";
  signIn({key}).catch(e => fail(`cannot reach the node: ${e.message}`));
});

async function start() {
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  if (code) {
    // Out of the address bar and the history at once: the code works only once anyway.
    history.replaceState(null, "", location.pathname + location.search);
    await signIn({code});
    return;
  }
  // Already signed in, or a node without authentication: straight in.
  const session = await fetch("/ui/session", {credentials: "same-origin", cache: "no-store"});
  if (session.ok) {
    location.replace(next());
    return;
  }
  keyInput.focus();
}

start().catch(e => fail(`cannot reach the node: ${e.message}`));
