"""Menus for the keyboard: opening one moves focus into it, Tab stays in it, and Esc returns focus to its button.

Streamlit's popovers (1.67: "Download this view", "Edit deck", the deck's "Download") open a dialog at the end of
the page and leave focus on their button, so Tab went on to the page behind the open menu, and closing it with
Esc could drop focus to the top of the page. This component (Streamlit's `components.v2`, inline JavaScript in
the page, installed once per tab) watches for a popover's dialog: it focuses its first control, keeps Tab and
Shift+Tab cycling through its controls, and gives focus back to the button that opened it when it closes with
focus inside it.
"""

from __future__ import annotations

import streamlit as st

KEEP_FOCUS = st.components.v2.component(
    "homeworking.menus",
    js="""
export default function () {
  if (window.__homeworkingMenus) return;
  window.__homeworkingMenus = true;
  const CONTROLS = 'button:not([disabled]), a[href], input:not([disabled]), textarea:not([disabled]), '
    + 'select:not([disabled]), [tabindex]:not([tabindex="-1"])';
  let menu = null, opener = null, focused = false;
  const controls = () => menu
    ? [...menu.querySelectorAll(CONTROLS)].filter(c => c.getClientRects().length && !c.dataset.menuEdge) : [];
  const lost = () => !document.activeElement || document.activeElement === document.body
    || !document.activeElement.isConnected;
  new MutationObserver(() => {
    const open = document.querySelector('[data-testid="stPopoverBody"]');
    if (open && open !== menu) {
      menu = open;
      focused = false;
      opener = document.querySelector('[data-testid="stPopoverButton"][aria-expanded="true"]');
    }
    if (menu && open && !focused && controls().length) {
      focused = true;
      controls()[0].focus({ preventScroll: true });
    }
    if (!open && menu) {
      const back = opener;
      menu = opener = null;
      if (back && back.isConnected && lost()) back.focus({ preventScroll: true });
    }
  }).observe(document.body, { childList: true, subtree: true });
  document.addEventListener('keydown', event => {
    if (event.key !== 'Tab' || !menu) return;
    const list = controls();
    if (!list.length) return;
    const first = list[0], last = list[list.length - 1], at = document.activeElement;
    if (!menu.contains(at)) { event.preventDefault(); first.focus(); }
    else if (event.shiftKey && at === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && at === last) { event.preventDefault(); first.focus(); }
  }, true);
  // Focus that would leave an open menu off its end (past a control the list cannot see: in a component's
  // shadow root, or hidden until hovered) lands on a sentinel at either end instead, which hands it back in.
  const sentinel = (atEnd) => {
    const edge = document.createElement('span');
    edge.tabIndex = 0;
    edge.dataset.menuEdge = atEnd ? 'end' : 'start';
    edge.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)';
    edge.addEventListener('focus', () => {
      const list = controls();
      if (list.length) (atEnd ? list[0] : list[list.length - 1]).focus({ preventScroll: true });
    });
    return edge;
  };
  new MutationObserver(() => {
    if (menu && !menu.querySelector('[data-menu-edge]')) {
      menu.prepend(sentinel(false));
      menu.append(sentinel(true));
    }
  }).observe(document.body, { childList: true, subtree: true });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && menu && opener) {
      const back = opener;
      setTimeout(() => { if (lost() || !document.querySelector('[data-testid="stPopoverBody"]')) back.focus(); }, 50);
    }
  }, true);
}
""",
)


def keep_keyboard() -> None:
    """Mount the menus' focus keeper (invisible, no data) in the sidebar; it installs itself once per tab."""
    with st.sidebar:
        KEEP_FOCUS(key="menu-focus")
