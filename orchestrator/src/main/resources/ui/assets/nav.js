// Going to another page of the dashboard without reloading: the shell (app.js) shows the page of
// the new URL as it does for the browser's back and forward buttons.

export function navigate(url) {
  history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
}
