// "Copy chart", "Copy table" and "Copy link" of the Share menu (ui/share.py), with the Clipboard API.
// The data comes from Python: the chart's PNG address (drawn by the server at 1920×1080, title and source
// inside), the table as tab-separated text and as an HTML table, and the permalink. Text is only ever set
// with textContent or put on the clipboard, never parsed as HTML here. Where the browser refuses (no image
// clipboard, no permission, an http:// address that is not secure), the status line says so in words and
// offers the download instead.
//
// Streamlit mounts a popover's content when it opens, at the end of the page: the first button takes the focus
// on mounting, so a keyboard user who opens Share is in it (and not behind the rest of the page's controls).
const focused = new WeakSet();

export default function ({ parentElement, data }) {
  const status = parentElement.querySelector(".status");
  const buttons = parentElement.querySelectorAll("button[data-copy]");

  function say(text, link) {
    status.textContent = text;
    if (link && link.href) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      if (link.download) a.download = link.download;
      status.append(" ", a);
    }
  }

  function copyBySelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    parentElement.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    area.remove();
    return done;
  }

  async function copyText(plain, html) {
    const clipboard = navigator.clipboard;
    if (clipboard && clipboard.write && window.ClipboardItem && html) {
      try {
        await clipboard.write([
          new ClipboardItem({
            "text/plain": new Blob([plain], { type: "text/plain" }),
            "text/html": new Blob([html], { type: "text/html" }),
          }),
        ]);
        return true;
      } catch (error) {
        // fall through to plain text
      }
    }
    if (clipboard && clipboard.writeText) {
      try {
        await clipboard.writeText(plain);
        return true;
      } catch (error) {
        // fall through to the selection
      }
    }
    return copyBySelection(plain);
  }

  async function copyChart() {
    const download = { href: data.png, text: "Download the PNG instead.", download: data.png_name };
    if (!data.png) return say(data.chart_reason);
    const clipboard = navigator.clipboard;
    if (!clipboard || !clipboard.write || !window.ClipboardItem) {
      return say("This browser cannot put an image on the clipboard from this address (it needs https and a " +
        "browser that copies images).", download);
    }
    say("Drawing the chart…");
    let drawnFailed = false;
    const image = fetch(data.png, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob();
      })
      .then((blob) => (blob.type === "image/png" ? blob : new Blob([blob], { type: "image/png" })))
      .catch((error) => {
        drawnFailed = true;
        throw error;
      });
    try {
      await clipboard.write([new ClipboardItem({ "image/png": image })]);
      say("Chart copied, 1920×1080 with its title and source: paste it into Teams, Word or PowerPoint.");
    } catch (error) {
      if (drawnFailed) say("The server could not draw the chart just now: try again in a minute, or use Copy table.");
      else say("Your browser did not let this page copy the image.", download);
    }
  }

  async function copyTable() {
    if (!data.tsv) return say(data.table_reason);
    const done = await copyText(data.tsv, data.table_html);
    if (done) say("Table copied with its header and source: paste it into Excel, Word or Teams.");
    else say("Your browser did not let this page copy the table.", { href: data.csv, text: "Download the CSV instead." });
  }

  async function copyLink() {
    const done = await copyText(data.link, "");
    if (done) say("Link copied: it opens this view.");
    else say("Your browser did not let this page copy the link: select it in the box below and copy it.");
  }

  const actions = { chart: copyChart, table: copyTable, link: copyLink };
  for (const button of buttons) {
    const kind = button.dataset.copy;
    const reason = kind === "chart" ? !data.png && data.chart_reason : kind === "table" && !data.tsv && data.table_reason;
    if (reason) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
    button.onclick = () => actions[kind]();
  }
  if (!focused.has(parentElement)) {
    focused.add(parentElement);
    buttons[0].focus({ preventScroll: true });
  }
  return () => {
    for (const button of buttons) button.onclick = null;
  };
}
