// Review desk: the queue on the side; the selected result's pages (viewer, boxes) beside a form
// with every field of its document type, missing ones included. Dates are typed and shown
// dd/mm/yyyy whatever the browser's locale; Enter goes to the next field, Ctrl+Enter confirms.
// Uses el/api/say/viDate/viDateTime/isoDate/disagreementList from staff.js.
"use strict";

(() => {
  const QUEUE_PAGE = 50;
  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
  const KIND_HINTS = {
    date: "ngày/tháng/năm, ví dụ 15/03/2024",
    year: "4 chữ số, ví dụ 1990",
    id_number: "12 chữ số",
  };
  const desk = {
    items: [], total: 0, forms: null, selected: null, viewer: null, history: null,
    warned: false, busy: false, root: null,
  };

  // --- values as staff type and read them -----------------------------------------------------

  // Day/month/year as it is typed: a separator or a second digit closes the day and the month.
  function maskDate(text, typing) {
    const groups = [""];
    for (const ch of text) {
      const at = groups.length - 1;
      if (/\d/.test(ch)) {
        if (at < 2 && groups[at].length === 2) groups.push("");
        const now = groups.length - 1;
        if (now === 2 && groups[now].length === 4) continue;
        groups[now] += ch;
      } else if ("/.-".includes(ch) && groups[at] && at < 2) {
        groups.push("");
      }
    }
    let out = groups.join("/");
    const last = groups[groups.length - 1];
    if (typing && groups.length < 3 && last.length === 2) out += "/";
    return out;
  }

  function display(kind, value) {
    if (!value) return "";
    return kind === "date" && ISO_DAY.test(value) ? viDate(value) : value;
  }

  // What the API would store for a typed value; { error } when it cannot be right.
  function normalise(spec, raw) {
    const text = raw.replace(/\s+/g, " ").trim();
    if (!text) return { value: "" };
    if (spec.kind === "date") {
      const iso = isoDate(text);
      return iso ? { value: iso } : { error: `phải là ngày có thật, dạng ${KIND_HINTS.date}.` };
    }
    if (spec.kind === "id_number") {
      const digits = text.replace(/[\s.-]/g, "");
      return /^(\d{9}|\d{12})$/.test(digits) ? { value: digits }
        : { error: "phải gồm đúng 12 chữ số (hoặc 9 chữ số nếu là CMND cũ)." };
    }
    if (spec.kind === "year") {
      return /^\d{4}$/.test(text) ? { value: text } : { error: `phải là năm gồm ${KIND_HINTS.year}.` };
    }
    return { value: text };
  }

  function sameValue(spec, before, after) {
    if (spec.kind === "name" || spec.kind === "sex") return before.toLocaleUpperCase("vi") === after.toLocaleUpperCase("vi");
    return before === after;
  }

  // --- queue ---------------------------------------------------------------------------------

  async function fetchQueue(offset) {
    const path = `/api/review?limit=${QUEUE_PAGE}&offset=${offset}`;
    if (typeof apiResponse === "function") {
      const { data, response } = await apiResponse("GET", path);
      return { items: data, total: Number(response.headers.get("X-Total-Count") || data.length) };
    }
    const items = await api("GET", path);
    return { items, total: items.length };
  }

  function reasonsShort(item) {
    const texts = item.reason_texts && item.reason_texts.length ? item.reason_texts : [];
    return texts.length ? texts[0] + (texts.length > 1 ? ` (+${texts.length - 1})` : "") : "";
  }

  function queueItem(item) {
    const node = el("button", { type: "button", class: "desk-item", "data-result-id": String(item.card.id) },
      el("span", { class: "doc-type", text: item.card.doc_type_label }),
      el("span", { class: "owner", text: item.card.owner_name || "(chưa rõ chủ giấy tờ)" }),
      el("span", { class: "desk-item-reason", text: reasonsShort(item) }),
      el("span", { class: "hint", text: `#${item.card.id} · ${viDateTime(item.card.digitized_at)}` }));
    node.addEventListener("click", () => select(item.card.id));
    return el("li", {}, node);
  }

  function renderQueue() {
    const list = desk.root.querySelector(".desk-queue-list");
    list.replaceChildren(...desk.items.map(queueItem));
    desk.root.querySelector(".desk-queue-count").textContent =
      desk.total ? `${desk.items.length} / ${desk.total} kết quả chờ` : "Không có kết quả nào chờ rà soát.";
    desk.root.querySelector(".desk-more").hidden = desk.items.length >= desk.total;
    markSelected();
  }

  function markSelected() {
    desk.root.querySelectorAll(".desk-item").forEach((node) => {
      const on = desk.selected && node.getAttribute("data-result-id") === String(desk.selected.card.id);
      node.classList.toggle("selected", Boolean(on));
      node.setAttribute("aria-current", on ? "true" : "false");
    });
  }

  function build() {
    const more = el("button", { type: "button", class: "secondary desk-more", text: "Xem thêm", hidden: true });
    more.addEventListener("click", loadMore);
    desk.root = el("div", { class: "desk" },
      el("aside", { class: "desk-queue" },
        el("div", { class: "desk-queue-head" }, el("h3", { text: "Hàng chờ" })),
        el("p", { class: "hint desk-queue-count" }),
        el("ul", { class: "desk-queue-list" }),
        more),
      el("div", { class: "desk-viewer" }, el("p", { class: "hint", text: "Chọn một kết quả trong hàng chờ." })),
      el("div", { class: "desk-form-holder" }));
    $("review-list").replaceChildren(desk.root);
    desk.root.querySelector(".desk-queue-head").append($("review-reload"));
  }

  async function load() {
    if (!desk.root || !desk.root.isConnected) build();
    try {
      desk.forms = desk.forms || await api("GET", "/api/review/forms");
      const page = await fetchQueue(0);
      desk.items = page.items;
      desk.total = page.total;
      renderQueue();
      const keep = desk.selected && desk.items.find((i) => i.card.id === desk.selected.card.id);
      if (keep) return;
      if (desk.items.length) await select(desk.items[0].card.id);
      else clearSelection();
    } catch (error) {
      say("review-message", error.message, true);
    }
  }

  async function loadMore() {
    try {
      const page = await fetchQueue(desk.items.length);
      desk.items = desk.items.concat(page.items);
      desk.total = page.total;
      renderQueue();
    } catch (error) {
      say("review-message", error.message, true);
    }
  }

  function clearSelection() {
    desk.selected = null;
    if (desk.viewer) desk.viewer.destroy();
    desk.viewer = null;
    desk.root.querySelector(".desk-viewer").replaceChildren(
      el("p", { class: "hint", text: "Không có kết quả nào chờ rà soát." }));
    desk.root.querySelector(".desk-form-holder").replaceChildren();
  }

  // --- one result ------------------------------------------------------------------------------

  async function select(resultId) {
    const item = desk.items.find((i) => i.card.id === resultId);
    if (!item) return;
    desk.selected = item;
    desk.warned = false;
    markSelected();
    const holder = desk.root.querySelector(".desk-viewer");
    holder.replaceChildren(el("p", { class: "hint", text: "Đang mở tài liệu…" }));
    if (desk.viewer) desk.viewer.destroy();
    desk.viewer = null;
    const [viewer, history] = await Promise.all([
      SohoaViewer.mount(holder, resultId, { sidebar: false }).catch((error) => {
        holder.replaceChildren(el("p", { class: "error", text: `Không mở được ảnh tài liệu: ${error.message}` }));
        return null;
      }),
      api("GET", `/api/review/${resultId}/history`).catch(() => null),
    ]);
    if (desk.selected !== item) {
      if (viewer) viewer.destroy();
      return;
    }
    desk.viewer = viewer;
    desk.history = history;
    renderForm(item, item.card.doc_type);
    const first = desk.root.querySelector(".desk-field.missing input, .desk-field.missing select")
      || desk.root.querySelector(".desk-field input, .desk-field select");
    if (first) first.focus();
  }

  function formFor(docType) {
    return (desk.forms || []).find((f) => f.doc_type === docType) || { fields: [] };
  }

  function fieldHistory(name) {
    const found = desk.history && desk.history.fields.find((f) => f.name === name);
    // Read once by the machine and never touched: nothing to tell beside the value itself.
    const touched = found && (found.changes.length > 1 || found.changes.some((c) => c.version > 1));
    if (!touched) return null;
    const rows = found.changes.map((c) => el("li", {},
      el("span", { class: "hint", text: `Phiên bản ${c.version} · ${c.by_label} · ${viDateTime(c.at)}: ` }),
      el("span", { text: c.value ? display("date", c.value) : "(để trống)" })));
    return el("details", { class: "field-history" },
      el("summary", { text: `Lịch sử (${found.changes.length})` }), el("ol", {}, rows));
  }

  function fieldInput(spec, value) {
    const id = `review-field-${spec.name}`;
    let input;
    if (spec.kind === "sex") {
      input = el("select", { id, name: spec.name },
        ["", "Nam", "Nữ"].map((v) => el("option", { value: v, text: v || "—" })));
      input.value = ["Nam", "Nữ"].includes(value) ? value : "";
      if (value && !input.value) input.append(el("option", { value, text: value, selected: true }));
    } else {
      input = el("input", { id, name: spec.name, value: display(spec.kind, value), autocomplete: "off" });
      if (spec.kind === "date") {
        input.placeholder = "dd/mm/yyyy";
        input.inputMode = "numeric";
        input.maxLength = 10;
        input.addEventListener("input", (event) => {
          if (input.selectionStart !== input.value.length) return;  // editing inside: left alone
          input.value = maskDate(input.value, (event.inputType || "").startsWith("insert"));
        });
      } else if (spec.kind === "year") {
        input.inputMode = "numeric";
        input.maxLength = 4;
      } else if (spec.kind === "id_number") {
        input.inputMode = "numeric";
        input.maxLength = 15;
      }
    }
    input.setAttribute("data-kind", spec.kind);
    if (KIND_HINTS[spec.kind]) input.title = KIND_HINTS[spec.kind];
    input.addEventListener("focus", () => { if (desk.viewer) desk.viewer.showField(spec.name); });
    return input;
  }

  function fieldRow(spec, value) {
    const missing = !value;
    const input = fieldInput(spec, value);
    const label = el("label", { htmlFor: input.id, class: "desk-label" },
      el("span", { text: spec.label }),
      spec.required ? el("span", { class: "required", text: " *", title: "Bắt buộc" }) : null,
      missing ? el("span", { class: "badge badge-missing", text: "Còn thiếu" }) : null);
    return el("div", { class: `desk-field${missing ? " missing" : ""}`, "data-field": spec.name },
      label, input,
      el("p", { class: "field-error", role: "alert" }),
      fieldHistory(spec.name));
  }

  // The document type's fields in the paper's order, then any other field the result holds.
  function specsOf(item, docType) {
    const values = Object.fromEntries(item.fields.map((f) => [f.name, f]));
    const specs = formFor(docType).fields.slice();
    const known = new Set(specs.map((s) => s.name));
    item.fields.filter((f) => !known.has(f.name)).forEach((f) => {
      specs.push({ name: f.name, label: f.label, kind: ISO_DAY.test(f.value) ? "date" : "text", required: false });
    });
    return { specs, values };
  }

  // keepTyped: the document type was changed on this form; what was typed stays.
  function renderForm(item, docType, keepTyped) {
    const { specs, values } = specsOf(item, docType);
    const typed = {};
    if (keepTyped) {
      desk.root.querySelectorAll(".desk-field [name]").forEach((input) => { typed[input.name] = input.value; });
    }
    const types = el("select", { id: "review-doc-type", name: "doc_type" },
      (desk.forms || []).map((f) => el("option", { value: f.doc_type, text: f.label })));
    types.value = docType;
    types.addEventListener("change", () => renderForm(item, types.value, true));
    const reasons = (item.reason_texts && item.reason_texts.length ? item.reason_texts : ["Cần kiểm tra lại các trường đã đọc"])
      .map((text) => el("li", { text }));
    const confirm = el("button", { type: "submit", id: "review-confirm", text: "Xác nhận (Ctrl+Enter)" });
    const skip = el("button", { type: "button", class: "secondary", text: "Để sau" });
    skip.addEventListener("click", () => selectNext(item.card.id));
    const versions = desk.history ? desk.history.versions.map((v) =>
      `phiên bản ${v.version}: ${v.kind_label.toLowerCase()}${v.by ? " " + v.by : ""}, ${viDateTime(v.at)}`).join(" · ") : "";
    const form = el("form", { class: "desk-form", id: "review-form", noValidate: true },
      el("div", { class: "card-head" },
        el("span", { class: "doc-type", text: item.card.doc_type_label }),
        el("span", { class: "owner", text: item.card.owner_name || "" }),
        el("span", { class: "hint", text: `#${item.card.id} · phiên bản ${item.card.version}` })),
      el("ul", { class: "desk-reasons reason" }, reasons),
      typeof disagreementList === "function" ? disagreementList(item.card) : null,
      el("label", { htmlFor: "review-doc-type", class: "desk-label" }, "Loại giấy tờ", types),
      el("div", { class: "desk-fields" }, specs.map((spec) => {
        const value = typed[spec.name] !== undefined ? null : (values[spec.name] || {}).value || "";
        const row = fieldRow(spec, value === null ? "" : value);
        if (value === null) {
          const input = row.querySelector("[name]");
          input.value = typed[spec.name];
          row.classList.toggle("missing", !typed[spec.name]);
        }
        return row;
      })),
      el("label", { htmlFor: "review-note", class: "desk-label" }, "Ghi chú (không bắt buộc)",
        el("input", { id: "review-note", name: "note", maxLength: 500, autocomplete: "off" })),
      el("p", { class: "hint", text: "Enter: sang trường tiếp theo · Ctrl+Enter: xác nhận" }),
      el("p", { id: "review-form-message", class: "message", role: "status" }),
      el("div", { class: "desk-actions" }, confirm, skip),
      versions ? el("p", { class: "hint desk-versions", text: `Lịch sử: ${versions}` }) : null);
    form.addEventListener("keydown", (event) => onKey(event, form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(item, form);
    });
    desk.root.querySelector(".desk-form-holder").replaceChildren(form);
  }

  function onKey(event, form) {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      submit(desk.selected, form);
      return;
    }
    if (!/^(INPUT|SELECT)$/.test(event.target.tagName)) return;
    event.preventDefault();
    const inputs = Array.from(form.querySelectorAll(".desk-field [name], #review-note"));
    const at = inputs.indexOf(event.target);
    const next = at >= 0 ? inputs[at + 1] : null;
    (next || form.querySelector("#review-confirm")).focus();
  }

  function showError(form, name, text) {
    const row = form.querySelector(`.desk-field[data-field='${name}']`);
    if (!row) return;
    row.classList.toggle("invalid", Boolean(text));
    row.querySelector(".field-error").textContent = text || "";
  }

  // Confirm: the changed fields as a correction, or a plain confirmation when nothing changed.
  async function submit(item, form) {
    if (!item || desk.busy) return;
    const docType = form.querySelector("#review-doc-type").value;
    const { specs, values } = specsOf(item, docType);
    const changes = {};
    const problems = [];
    const empty = [];
    specs.forEach((spec) => {
      const input = form.querySelector(`.desk-field [name='${spec.name}']`);
      const before = (values[spec.name] || {}).value || "";
      const read = normalise(spec, input.value);
      showError(form, spec.name, read.error ? `${spec.label} ${read.error}` : "");
      if (read.error) {
        problems.push({ spec, input, text: `${spec.label}: ${read.error}` });
        return;
      }
      if (!read.value && spec.required) empty.push(spec.label);
      if (!sameValue(spec, before, read.value)) changes[spec.name] = read.value;
    });
    if (problems.length) {
      say("review-form-message", problems.map((p) => p.text).join(" "), true);
      problems[0].input.focus();
      return;
    }
    if (empty.length && !desk.warned) {
      desk.warned = true;
      say("review-form-message", `Còn trống trường bắt buộc: ${empty.join(", ")}. `
        + "Điền vào, hoặc bấm Xác nhận lần nữa nếu giấy tờ không có.", true);
      return;
    }
    const typeChanged = docType !== item.card.doc_type;
    if (typeChanged && !Object.keys(changes).length && item.fields.length) {
      changes[item.fields[0].name] = item.fields[0].value;  // a correction names at least one field
    }
    const note = form.querySelector("#review-note").value.trim();
    const corrected = Object.keys(changes).length > 0;
    const body = corrected
      ? { version: item.card.version, fields: changes, note, ...(typeChanged ? { doc_type: docType } : {}) }
      : { version: item.card.version, note };
    const path = corrected ? `/api/review/${item.card.id}` : `/api/review/${item.card.id}/confirm`;
    desk.busy = true;
    form.querySelector("#review-confirm").disabled = true;
    say("review-form-message", "Đang lưu…");
    try {
      const saved = await api("POST", path, body);
      const what = corrected ? `Đã lưu bản sửa (${Object.keys(changes).length} trường)` : "Đã xác nhận đúng như máy đọc";
      say("review-message", `${what}: ${saved.card.doc_type_label} ${saved.card.owner_name || ""} — phiên bản ${saved.card.version}, đã dùng lại được.`);
      const index = desk.items.indexOf(item);
      desk.selected = null;
      const page = await fetchQueue(0);
      desk.items = page.items;
      desk.total = page.total;
      renderQueue();
      const following = desk.items[Math.min(Math.max(index, 0), desk.items.length - 1)];
      if (following) await select(following.card.id);
      else clearSelection();
    } catch (error) {
      say("review-form-message", error.message, true);
      form.querySelector("#review-confirm").disabled = false;
    } finally {
      desk.busy = false;
    }
  }

  function selectNext(resultId) {
    const at = desk.items.findIndex((i) => i.card.id === resultId);
    const next = desk.items[at + 1] || desk.items[0];
    if (next && next.card.id !== resultId) select(next.card.id);
  }

  // Ctrl+Enter confirms from anywhere on the desk (the page image included), not only the form.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = document.getElementById("review-form");
    if (!form || !desk.selected || $("review-tab").hidden || form.contains(event.target)) return;
    event.preventDefault();
    submit(desk.selected, form);
  });

  window.SohoaReview = { load, maskDate };
})();
