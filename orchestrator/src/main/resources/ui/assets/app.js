// The dashboard's shell: who is signed in, the navigation, and which page shows for the URL.
// Links inside the dashboard change the page without reloading it; the address bar and the
// browser's history follow, and the focus moves to the new page's heading for screen readers.
import {api, signIn} from "./api.js";
import {announce, h, replace} from "./dom.js";
import {navigate} from "./nav.js";
import {setSignedIn} from "./session.js";
import * as runs from "./pages/runs.js";
import * as run from "./pages/run.js";
import * as approvals from "./pages/approvals.js";
import * as agents from "./pages/agents.js";
import * as spend from "./pages/spend.js";

const ROUTES = [
  {pattern: /^\/ui\/?$/, page: runs, nav: "runs"},
  {pattern: /^\/ui\/runs$/, page: runs, nav: "runs"},
  {pattern: /^\/ui\/runs\/([^/]+)$/, page: run, nav: "runs"},
  {pattern: /^\/ui\/approvals$/, page: approvals, nav: "approvals"},
  {pattern: /^\/ui\/agents$/, page: agents, nav: "agents"},
  {pattern: /^\/ui\/spend$/, page: spend, nav: "spend"},
];

const main = document.getElementById("main");
let leave = null;

/** Shows the page of the current URL, stopping what the previous page had going. */
function show() {
  if (leave) leave();
  leave = null;
  const route = ROUTES.find(r => r.pattern.test(location.pathname));
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (route && link.dataset.nav === route.nav) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!route) {
    replace(main, h("h1", {}, "Not found"), h("p", {}, "No page of the dashboard is here."));
    return;
  }
  const params = location.pathname.match(route.pattern).slice(1).map(decodeURIComponent);
  replace(main);
  leave = route.page.render(main, params, new URLSearchParams(location.search)) || null;
  const heading = main.querySelector("h1");
  if (heading) {
    document.title = `${heading.textContent} · Lattice`;
    announce(heading.textContent);
  }
  main.focus({preventScroll: true});
}


document.addEventListener("click", event => {
  const link = event.target.closest("a[href^='/ui/']");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey || link.target) {
    return;
  }
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", show);

document.getElementById("sign-out").addEventListener("click", async () => {
  await api("/ui/session", {method: "DELETE"}).catch(() => null);
  location.assign("/ui/sign-in");
});

async function start() {
  try {
    const me = await api("/ui/session");
    setSignedIn(me);
    document.getElementById("who").textContent = me.authentication
      ? `${me.principal} · ${me.tenant === "*" ? "every tenant" : me.tenant} · ${me.roles.join(", ")}`
      : "authentication off";
    if (!me.authentication) document.getElementById("sign-out").hidden = true;
  } catch (e) {
    if (e.status !== 401) throw e;
    signIn();
    return;
  }
  show();
  approvals.watchCount(document.getElementById("approvals-count"));
}

start();
