// The chat page: a person plays a LINE user. Everything the bot sends is read from
// GET /__sim/users/<id>/timeline once a second; every tap goes to a /__sim endpoint that
// posts a signed webhook to the bot. Bot-supplied strings only ever go into textContent.
"use strict";

const $ = (id) => document.getElementById(id);
let currentUserId = localStorage.getItem("simulator.user") || "";
let lastTimeline = "";
// the rich menu starts open (as in LINE) unless the person collapsed it; the choice is remembered
let richMenuOpen = localStorage.getItem("simulator.richMenuOpen") !== "no";
// the view follows new messages while it is at the bottom (also after a reload, when the rich menu
// or an image appears and shrinks or grows the timeline); scrolling up to read stops that
let pinnedToBottom = true;

// ---------------------------------------------------------------- talking to the simulator
const UNREACHABLE = "The simulator is not reachable; retrying…";
async function call(method, url, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {  // the simulator was stopped or restarted: say so, keep polling
    showStatus(UNREACHABLE);
    return { status: 0, data: { error: "The simulator is not reachable." } };
  }
  let data = {};
  try { data = await response.json(); } catch (e) { /* empty body */ }
  return { status: response.status, data };
}

function showStatus(text) { $("status").textContent = text || ""; }

async function act(path, body) {
  if (!currentUserId) { showStatus("Pick or create a user first."); return; }
  const { status, data } = await call("POST", `/__sim/users/${encodeURIComponent(currentUserId)}/${path}`, body || {});
  if (status !== 200) showStatus(data.error || `The simulator answered ${status}`);
  else if (data.botStatus !== 200) showStatus(`The bot answered the webhook with HTTP ${data.botStatus}`);
  else showStatus("");
  poll();
}

// ---------------------------------------------------------------- users
async function loadUsers() {
  const { status, data } = await call("GET", "/__sim/users");
  if (status !== 200) return;  // keep the list as it is until the simulator answers again
  if ($("status").textContent === UNREACHABLE) showStatus("");
  const select = $("user-select");
  const users = data.users || [];
  const wanted = ["", ...users.map((u) => u.user_id)].join("|");
  if (select.dataset.ids !== wanted) {
    select.dataset.ids = wanted;
    select.length = 1;
    for (const u of users) {
      const option = document.createElement("option");
      option.value = u.user_id;
      option.textContent = `${u.display_name} (${u.language}) ${u.user_id.slice(-6)}`;
      select.appendChild(option);
    }
  }
  select.value = users.some((u) => u.user_id === currentUserId) ? currentUserId : "";
}

function selectUser(userId) {
  currentUserId = userId;
  localStorage.setItem("simulator.user", userId);
  lastTimeline = "";
  pinnedToBottom = true;
  $("timeline").textContent = "";
  $("quick-replies").textContent = "";
  const enabled = Boolean(userId);
  $("text").disabled = !enabled;
  document.querySelector("#composer button").disabled = !enabled;
  $("friendship").hidden = !enabled;
  if (!enabled) $("chat-title").textContent = "Pick or create a user";
  poll();
}

// ---------------------------------------------------------------- polling and rendering
async function poll() {
  if (!currentUserId) { $("rich-menu").hidden = true; return; }
  const { status, data } = await call("GET", `/__sim/users/${encodeURIComponent(currentUserId)}/timeline`);
  if (status !== 200) return;
  const snapshot = JSON.stringify(data);
  if (snapshot === lastTimeline) return;
  lastTimeline = snapshot;
  renderUser(data.user);
  renderTimeline(data.entries);
  renderRichMenu(data.richMenu);
  keepAtBottom();
}

function keepAtBottom() {
  if (!pinnedToBottom) return;
  const box = $("timeline");
  box.scrollTop = box.scrollHeight;
}

function renderUser(user) {
  $("chat-title").textContent = `${user.display_name} — chatting with the bot`;
  const states = { new: "not a friend yet", friend: "friend", blocked: "has blocked the account" };
  $("user-info").textContent = `${user.user_id} · ${user.language} · ${states[user.friendship] || user.friendship}`;
}

function renderTimeline(entries) {
  const box = $("timeline");
  const scrolledTo = box.scrollTop;
  box.textContent = "";
  for (const entry of entries) box.appendChild(renderEntry(entry));
  const last = entries[entries.length - 1];
  renderQuickReplies(last && last.from === "bot" ? last.message.quickReply : null);
  // images arrive after the layout: follow them down when the view is pinned to the bottom
  for (const img of box.querySelectorAll("img")) img.addEventListener("load", keepAtBottom);
  if (!pinnedToBottom) box.scrollTop = scrolledTo;
}

function renderEntry(entry) {
  const row = el("div", "row " + entry.from);
  const time = el("span", "time", new Date(entry.at * 1000).toLocaleTimeString());
  if (entry.from === "system") {
    row.appendChild(el("span", "note", entry.text));
  } else if (entry.from === "user") {
    row.append(time, el("div", "bubble", entry.text));
  } else {
    row.append(renderMessage(entry.message), time);
    if (entry.how !== "reply") row.appendChild(el("span", "how", entry.how));
  }
  return row;
}

function renderQuickReplies(quickReply) {
  const bar = $("quick-replies");
  bar.textContent = "";
  for (const item of (quickReply && quickReply.items) || []) {
    const button = el("button", "", (item.action && item.action.label) || "?");
    button.type = "button";
    button.addEventListener("click", () => perform(item.action));
    bar.appendChild(button);
  }
}

function renderRichMenu(menu) {
  const box = $("rich-menu");
  box.hidden = !menu;
  if (!menu) return;
  $("rich-menu-bar").textContent = `${menu.chatBarText || "Menu"} ${richMenuOpen ? "▾" : "▴"}`;
  $("rich-menu-bar").setAttribute("aria-expanded", String(richMenuOpen));
  const panel = $("rich-menu-panel");
  panel.textContent = "";
  panel.hidden = !richMenuOpen;
  // never more than about a third of the window's height: the conversation stays the larger part
  panel.style.maxWidth = `min(420px, calc(34vh * ${menu.size.width / menu.size.height}))`;
  const img = document.createElement("img");
  img.src = menu.imageUrl;
  img.alt = menu.name || "rich menu";
  img.addEventListener("error", () => { img.replaceWith(el("div", "rich-menu-missing", "(no image uploaded)")); });
  img.addEventListener("load", keepAtBottom);
  panel.appendChild(img);
  for (const area of menu.areas || []) {
    const b = area.bounds;
    const spot = el("button", "rich-menu-area");
    spot.type = "button";
    spot.title = (area.action && (area.action.label || area.action.data || area.action.text || area.action.uri)) || "";
    Object.assign(spot.style, {
      left: pct(b.x, menu.size.width), top: pct(b.y, menu.size.height),
      width: pct(b.width, menu.size.width), height: pct(b.height, menu.size.height),
    });
    spot.addEventListener("click", () => perform(area.action));
    panel.appendChild(spot);
  }
}

const pct = (part, whole) => `${(100 * part) / whole}%`;

// ---------------------------------------------------------------- messages
function renderMessage(m) {
  switch (m.type) {
    case "text":
    case "textV2":
      return el("div", "bubble", m.text);
    case "image": {
      const img = document.createElement("img");
      img.className = "message-image";
      img.src = m.previewImageUrl || m.originalContentUrl;
      img.alt = "[image]";
      return img;
    }
    case "sticker":
      return el("div", "bubble alt", `[sticker ${m.packageId}/${m.stickerId}]`);
    case "location":
      return el("div", "bubble", `📍 ${m.title}\n${m.address}`);
    case "template":
      return renderTemplate(m.template, m.altText);
    case "flex":
      return renderFlexContainer(m.contents);
    default:
      return el("div", "bubble alt", `[${m.type} message] ${m.altText || ""}`);
  }
}

function renderTemplate(t, altText) {
  if (t.type === "carousel" || t.type === "image_carousel") {
    const row = el("div", "carousel");
    for (const column of t.columns || []) {
      row.appendChild(t.type === "carousel" ? templateCard("buttons", column) : imageColumn(column));
    }
    return row;
  }
  if (t.type === "buttons" || t.type === "confirm") return templateCard(t.type, t);
  return el("div", "bubble alt", altText);
}

function templateCard(kind, t) {
  const card = el("div", "template " + kind);
  if (t.thumbnailImageUrl) {
    const img = document.createElement("img");
    img.src = t.thumbnailImageUrl;
    img.alt = "";
    if (t.imageBackgroundColor) img.style.background = t.imageBackgroundColor;
    card.appendChild(img);
  }
  if (t.title) card.appendChild(el("div", "title", t.title));
  card.appendChild(el("div", "text", t.text));
  const actions = el("div", "actions");
  for (const action of t.actions || []) actions.appendChild(actionButton(action, ""));
  card.appendChild(actions);
  if (t.defaultAction) clickable(card, t.defaultAction);
  return card;
}

function imageColumn(column) {
  const card = el("div", "template");
  const img = document.createElement("img");
  img.src = column.imageUrl;
  img.alt = "";
  card.appendChild(img);
  const actions = el("div", "actions");
  actions.appendChild(actionButton(column.action, ""));
  card.appendChild(actions);
  return card;
}

function actionButton(action, className) {
  const button = el("button", className, (action && action.label) || "?");
  button.type = "button";
  button.addEventListener("click", (event) => { event.stopPropagation(); perform(action); });
  return button;
}

// ---------------------------------------------------------------- flex
const TEXT_SIZES = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
const SPACES = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const IMAGE_SIZES = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 220 };
const px = (value, table) => (value in table ? `${table[value]}px` : value);

function renderFlexContainer(c) {
  if (c.type === "carousel") {
    const row = el("div", "carousel");
    for (const bubble of c.contents || []) row.appendChild(renderBubble(bubble));
    return row;
  }
  return renderBubble(c);
}

function renderBubble(b) {
  const bubble = el("div", "fx-bubble " + (b.size || ""));
  const styles = b.styles || {};
  let first = true;
  for (const part of ["header", "hero", "body", "footer"]) {
    if (!b[part]) continue;
    const block = el("div", "fx-block " + part);
    const style = styles[part] || {};
    if (style.backgroundColor) block.style.background = style.backgroundColor;
    if (style.separator && !first) {
      block.classList.add("sep");
      if (style.separatorColor) block.style.borderTopColor = style.separatorColor;
    }
    block.appendChild(renderComponent(b[part], "vertical"));
    bubble.appendChild(block);
    first = false;
  }
  if (b.action) clickable(bubble, b.action);
  return bubble;
}

function renderComponent(c, parentLayout) {
  let node;
  switch (c.type) {
    case "box": node = renderBox(c); break;
    case "text": node = renderText(c); break;
    case "image": node = renderImage(c); break;
    case "icon": node = renderIcon(c); break;
    case "button": node = renderButton(c); break;
    case "separator": node = el("hr", "fx-separator"); if (c.color) node.style.borderColor = c.color; break;
    case "filler": node = el("div", "fx-filler"); break;
    case "spacer": node = el("div"); node.style.flex = `0 0 ${px(c.size || "md", SPACES)}`; break;
    case "video": node = c.altContent ? renderComponent(c.altContent, parentLayout) : el("div", "alt", "[video]"); break;
    default: node = el("div", "fx-unknown", `[unknown flex component ${c.type}]`);
  }
  applyCommon(node, c, parentLayout);
  return node;
}

function applyCommon(node, c, parentLayout) {
  const horizontal = parentLayout !== "vertical";
  if (c.type !== "separator" && c.type !== "filler" && c.type !== "spacer") {
    const grow = c.flex !== undefined ? c.flex : (horizontal ? 1 : 0);
    node.style.flex = grow > 0 ? `${grow} 1 0` : "0 0 auto";
  }
  if (c.margin) node.style[horizontal ? "marginLeft" : "marginTop"] = px(c.margin, SPACES);
  const gravity = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity];
  if (gravity && horizontal) node.style.alignSelf = gravity;
  if (c.position === "absolute") node.style.position = "absolute";
  for (const side of ["Top", "Bottom", "Start", "End"]) {
    const value = c["offset" + side];
    if (value) node.style[{ Start: "left", End: "right" }[side] || side.toLowerCase()] = px(value, SPACES);
  }
  if (c.action && c.type !== "button") clickable(node, c.action);
}

function renderBox(c) {
  const layout = c.layout || "vertical";
  const box = el("div", "fx-box " + layout);
  const s = box.style;
  if (c.spacing) s.gap = px(c.spacing, SPACES);
  if (c.backgroundColor) s.background = c.backgroundColor;
  if (c.background && c.background.type === "linearGradient") {
    s.background = `linear-gradient(${c.background.angle || "0deg"}, ${c.background.startColor}, ${c.background.endColor})`;
  }
  if (c.borderColor) s.borderColor = c.borderColor;
  if (c.borderWidth) { s.borderStyle = "solid"; s.borderWidth = px(c.borderWidth, { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 }); }
  if (c.cornerRadius) s.borderRadius = px(c.cornerRadius, SPACES);
  if (c.paddingAll) s.padding = px(c.paddingAll, SPACES);
  for (const side of ["Top", "Bottom", "Start", "End"]) {
    const value = c["padding" + side];
    if (value) s["padding" + ({ Start: "Left", End: "Right" }[side] || side)] = px(value, SPACES);
  }
  for (const key of ["width", "maxWidth", "height", "maxHeight"]) if (c[key]) s[key] = c[key];
  if (c.justifyContent) s.justifyContent = c.justifyContent;
  if (c.alignItems) s.alignItems = c.alignItems;
  for (const child of c.contents || []) box.appendChild(renderComponent(child, layout));
  return box;
}

function renderText(c) {
  const node = el("div", "fx-text" + (c.wrap ? " wrap" : ""));
  if (c.contents && c.contents.length) {
    for (const span of c.contents) {
      const part = el("span", "", span.text);
      textStyle(part, span);
      node.appendChild(part);
    }
  } else {
    node.textContent = c.text || "";
  }
  textStyle(node, c);
  if (c.align) node.style.textAlign = { start: "left", end: "right", center: "center" }[c.align];
  if (c.maxLines) { node.style.display = "-webkit-box"; node.style.webkitLineClamp = c.maxLines; node.style.webkitBoxOrient = "vertical"; }
  return node;
}

function textStyle(node, c) {
  if (c.size) node.style.fontSize = px(c.size, TEXT_SIZES);
  if (c.weight === "bold") node.style.fontWeight = "bold";
  if (c.color) node.style.color = c.color;
  if (c.style === "italic") node.style.fontStyle = "italic";
  if (c.decoration && c.decoration !== "none") node.style.textDecoration = c.decoration;
}

function renderImage(c) {
  const img = document.createElement("img");
  img.className = "fx-image" + (c.size === "full" ? " full" : "");
  img.src = c.url;
  img.alt = "";
  if (c.size && c.size !== "full") img.style.width = px(c.size, IMAGE_SIZES);
  else if (!c.size) img.style.width = px("md", IMAGE_SIZES);
  if (c.aspectRatio) img.style.aspectRatio = c.aspectRatio.replace(":", " / ");
  if (c.aspectMode === "cover") img.style.objectFit = "cover";
  if (c.backgroundColor) img.style.background = c.backgroundColor;
  const align = { start: "flex-start", end: "flex-end", center: "center" }[c.align];
  if (align) img.style.alignSelf = align;
  return img;
}

function renderIcon(c) {
  const img = document.createElement("img");
  img.className = "fx-icon";
  img.src = c.url;
  img.alt = "";
  if (c.size) { img.style.width = px(c.size, TEXT_SIZES); img.style.height = img.style.width; }
  return img;
}

function renderButton(c) {
  const button = actionButton(c.action, `fx-button ${c.style || "link"} ${c.height || "md"}`);
  if (c.color) {
    if ((c.style || "link") === "link") button.style.color = c.color;
    else button.style.background = c.color;
  }
  return button;
}

// ---------------------------------------------------------------- actions
function clickable(node, action) {
  node.classList.add("clickable");
  node.addEventListener("click", (event) => { event.stopPropagation(); perform(action); });
}

function perform(action) {
  if (!action) return;
  switch (action.type) {
    case "message":
      act("send", { text: action.text });
      break;
    case "postback":
      act("postback", { data: action.data || "", displayText: action.displayText || action.text });
      break;
    case "uri": {
      const liffUrl = /^https:\/\/liff\.line\.me\/([^/?#]+)(.*)$/.exec(action.uri);
      if (liffUrl && currentUserId) openLiff(liffUrl[1], liffUrl[2]);  // inside the chat, as LINE's in-app browser
      else window.open(action.uri, "_blank", "noopener");
      break;
    }
    case "datetimepicker":
      openPicker(action);
      break;
    case "richmenuswitch":
      act("postback", { data: action.data || "", params: { newRichMenuAliasId: action.richMenuAliasId, status: "SUCCESS" } });
      break;
    case "clipboard":
      navigator.clipboard.writeText(action.clipboardText).then(() => showStatus("Copied to the clipboard."));
      break;
    default:
      showStatus(`The ${action.type} action is not available in the simulator.`);
  }
}

const PICKER_INPUT = { date: "date", time: "time", datetime: "datetime-local" };

function openPicker(action) {
  const mode = action.mode || "datetime";
  const input = $("picker-input");
  input.type = PICKER_INPUT[mode] || "datetime-local";
  for (const key of ["min", "max"]) {
    if (action[key]) input.setAttribute(key, action[key]); else input.removeAttribute(key);
  }
  input.value = action.initial || "";
  $("picker-label").textContent = action.label || "Pick";
  const picker = $("picker");
  picker.hidden = false;
  picker.onsubmit = (event) => {
    event.preventDefault();
    if (!input.value) { showStatus("Pick a value first."); return; }
    if (!input.checkValidity()) { showStatus("That value is outside the allowed range."); return; }
    picker.hidden = true;
    act("postback", { data: action.data || "", params: { [mode]: input.value } });
  };
  input.focus();
}

// ---------------------------------------------------------------- helpers and wiring
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

$("user-select").addEventListener("change", (event) => selectUser(event.target.value));
$("new-user").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { status, data } = await call("POST", "/__sim/users", { displayName: $("new-name").value, language: $("new-lang").value });
  if (status !== 201) { showStatus(data.error || `Could not create the user (${status})`); return; }
  $("new-name").value = "";
  currentUserId = data.user.user_id;
  await loadUsers();
  selectUser(data.user.user_id);
});
$("follow").addEventListener("click", () => act("follow"));
$("block").addEventListener("click", () => act("block"));
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  act("send", { text });
});
$("picker-cancel").addEventListener("click", () => { $("picker").hidden = true; });
$("rich-menu-bar").addEventListener("click", () => {
  richMenuOpen = !richMenuOpen;
  localStorage.setItem("simulator.richMenuOpen", richMenuOpen ? "yes" : "no");
  lastTimeline = "";
  poll();
});
$("timeline").addEventListener("scroll", () => {
  const box = $("timeline");
  pinnedToBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
});
// the timeline's own height changes (window resized, rich menu opened or closed): stay at the bottom
new ResizeObserver(keepAtBottom).observe($("timeline"));

loadUsers().then(() => selectUser($("user-select").value));
setInterval(poll, 1000);
setInterval(loadUsers, 3000);

// A LIFF app opens over the chat, as in LINE's in-app browser; liff.closeWindow() closes it.
function openLiff(liffId, rest) {
  const frame = $("liff-frame");
  const path = rest && rest.startsWith("/") ? rest.split(/[?#]/)[0] : "";
  frame.src = `/__sim/liff/open/${encodeURIComponent(liffId)}${path}?user=${encodeURIComponent(currentUserId)}`;
  $("liff-view").hidden = false;
}

function closeLiff() {
  $("liff-view").hidden = true;
  $("liff-frame").src = "about:blank";
}

$("liff-close").addEventListener("click", closeLiff);
window.addEventListener("message", (e) => { if (e.data && e.data.type === "liff.closeWindow") closeLiff(); });
