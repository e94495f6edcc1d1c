// Document viewer: every page of a result as sohoa renders it, zoom, the fields beside it (a
// selected field's box drawn on its page), the OCR text of the page, the downloads.
// Opened as a dialog from a result card (SohoaViewer.open) or embedded in the review desk
// (SohoaViewer.mount). Uses el/api/viDate from staff.js; every server value is set as text.
"use strict";

(() => {
  const ZOOM_STEP = 1.25;
  const ZOOM_MIN = 0.05;
  const ZOOM_MAX = 4;
  const BOX_MARGIN = 4; // px around a field's box, so the ink under it stays readable
  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  function shown(field) {
    return field.kind === "date" || ISO_DAY.test(field.value) ? viDate(field.value) : field.value;
  }

  function button(text, title, onClick, extra) {
    const node = el("button", { type: "button", class: `secondary viewer-button ${extra || ""}`, text, title });
    node.setAttribute("aria-label", title);
    node.addEventListener("click", onClick);
    return node;
  }

  // One viewer in `container`. options: { sidebar: show the field list (default true),
  // onClose: a close button is shown and calls it }.
  async function mount(container, resultId, options = {}) {
    const sidebar = options.sidebar !== false;
    const data = await api("GET", `/api/results/${resultId}/pages`);
    const view = { page: 1, zoom: 1, fit: true, field: null };

    const image = el("img", { class: "viewer-image", alt: "" });
    const box = el("div", { class: "viewer-box", hidden: true });
    box.setAttribute("aria-hidden", "true");
    const note = el("p", { class: "viewer-note", hidden: true });
    const page = el("div", { class: "viewer-page" }, image, box);
    const stage = el("div", { class: "viewer-stage", tabIndex: 0 }, page);
    stage.setAttribute("aria-label", "Ảnh trang giấy tờ");
    const pageLabel = el("span", { class: "viewer-page-label" });
    const zoomLabel = el("span", { class: "viewer-zoom-label" });
    const prev = button("‹", "Trang trước", () => goTo(view.page - 1));
    const next = button("›", "Trang sau", () => goTo(view.page + 1));
    const textBody = el("pre", { class: "viewer-text-body" });
    const textTitle = el("summary", {});
    const textPanel = el("details", { class: "viewer-text" }, textTitle, textBody);
    const fieldButtons = new Map();
    const message = el("p", { class: "viewer-message hint", role: "status" });

    const downloads = [];  // short words where the viewer shares the screen (review desk)
    if (data.searchable_pdf_url) {
      downloads.push(el("a", { class: "viewer-download", href: data.searchable_pdf_url, download: "",
        text: sidebar ? "Tải PDF tìm kiếm được" : "Tải PDF", title: "Tải PDF tìm kiếm được" }));
    }
    downloads.push(el("a", { class: "viewer-download", href: data.original_url, download: data.original_filename || "",
      text: sidebar ? "Tải bản gốc" : "Bản gốc", title: "Tải bản gốc" }));
    const close = options.onClose ? button("✕ Đóng", "Đóng (Esc)", options.onClose, "viewer-close") : null;

    const bar = el("div", { class: "viewer-bar" },
      el("strong", { class: "viewer-title", text: `${data.doc_type_label} · #${data.result_id} · phiên bản ${data.version}` }),
      el("span", { class: "viewer-group" }, prev, pageLabel, next),
      el("span", { class: "viewer-group" },
        button("−", "Thu nhỏ", () => zoomBy(1 / ZOOM_STEP)), zoomLabel,
        button("+", "Phóng to", () => zoomBy(ZOOM_STEP)),
        button("Vừa khung", "Vừa khung (theo chiều ngang)", () => fit())),
      el("span", { class: "viewer-group viewer-downloads" }, downloads),
      close);

    let side = null;
    if (sidebar) {
      const items = data.fields.map((field) => {
        const where = field.page ? `trang ${field.page}` : "không rõ vị trí";
        const item = el("button", { type: "button", class: "viewer-field", "data-field": field.name },
          el("span", { class: "viewer-field-label", text: field.label }),
          el("span", { class: "viewer-field-value", text: shown(field) }),
          el("span", { class: "viewer-field-where hint", text: where }));
        item.addEventListener("click", () => showField(field.name));
        fieldButtons.set(field.name, item);
        return el("li", {}, item);
      });
      side = el("aside", { class: "viewer-side" },
        el("div", { class: "viewer-side-fields" },
          el("h3", { text: "Các trường đã đọc" }),
          data.fields.length ? el("ul", { class: "viewer-fields" }, items)
            : el("p", { class: "hint", text: "Chưa có trường nào được đọc." })),
        message, textPanel);
    }
    const main = el("div", { class: "viewer-main" }, el("div", { class: "viewer-canvas" }, stage, note), side);
    const root = el("div", { class: `viewer${sidebar ? "" : " viewer-embedded"}`, "data-result-id": String(resultId) },
      bar, main, sidebar ? null : message, sidebar ? null : textPanel);
    container.replaceChildren(root);

    function space() {
      const info = data.pages[view.page - 1] || {};
      return { width: info.width || image.naturalWidth, height: info.height || image.naturalHeight };
    }

    function layout() {
      if (!image.naturalWidth) return;
      if (view.fit) {
        const room = stage.clientWidth - 24;
        view.zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, room / image.naturalWidth));
      }
      const width = image.naturalWidth * view.zoom;
      const height = image.naturalHeight * view.zoom;
      page.style.width = `${Math.round(width)}px`;
      page.style.height = `${Math.round(height)}px`;
      zoomLabel.textContent = `${Math.round(view.zoom * 100)}%`;
      placeBox();
    }

    function placeBox() {
      const field = view.field && data.fields.find((f) => f.name === view.field);
      if (!field || !field.box || field.page !== view.page || !image.naturalWidth) {
        box.hidden = true;
        return;
      }
      const scale = (image.naturalWidth * view.zoom) / space().width;
      box.style.left = `${Math.round(field.box.left * scale) - BOX_MARGIN}px`;
      box.style.top = `${Math.round(field.box.top * scale) - BOX_MARGIN}px`;
      box.style.width = `${Math.round(field.box.width * scale) + 2 * BOX_MARGIN}px`;
      box.style.height = `${Math.round(field.box.height * scale) + 2 * BOX_MARGIN}px`;
      box.hidden = false;
    }

    function scrollToBox() {
      if (box.hidden) return;
      const top = box.offsetTop - stage.clientHeight / 3;
      const left = box.offsetLeft - stage.clientWidth / 3;
      stage.scrollTo({ top: Math.max(0, top), left: Math.max(0, left) });
    }

    function goTo(number) {
      if (number < 1 || number > data.page_count) return;
      const info = data.pages[number - 1];
      const changed = number !== view.page || !image.getAttribute("src");
      view.page = number;
      pageLabel.textContent = `Trang ${number}/${data.page_count}`;
      prev.disabled = number <= 1;
      next.disabled = number >= data.page_count;
      note.hidden = !info.from_original;
      note.textContent = info.from_original
        ? "Trang này được dựng lại từ bản gốc (không có ảnh đã xử lý): vị trí các trường không hiển thị được." : "";
      textTitle.textContent = `Văn bản nhận dạng (OCR) — trang ${number}`;
      textBody.textContent = info.text || info.status_label || "(Trang này không có văn bản nhận dạng.)";
      image.alt = `Trang ${number} của ${data.doc_type_label}`;
      box.hidden = true;
      if (changed) {
        page.classList.add("loading");
        image.src = info.image_url;
      } else {
        layout();
      }
    }

    function zoomBy(factor) {
      view.fit = false;
      view.zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, view.zoom * factor));
      layout();
      scrollToBox();
    }

    function fit() {
      view.fit = true;
      layout();
      scrollToBox();
    }

    // Select a field: its page, its box drawn over the image, scrolled into view.
    function showField(name) {
      view.field = name;
      fieldButtons.forEach((node, key) => node.classList.toggle("selected", key === name));
      const chosen = fieldButtons.get(name);
      if (chosen) chosen.scrollIntoView({ block: "nearest" });
      const field = data.fields.find((f) => f.name === name);
      if (!field) {
        box.hidden = true;
        message.textContent = "";
        return;
      }
      message.textContent = field.box ? "" : `Không có vị trí của trường "${field.label}" trên ảnh.`;
      if (field.page && field.page !== view.page) {
        goTo(field.page);  // the box is drawn when the page's image has loaded
      } else {
        placeBox();
        scrollToBox();
      }
    }

    image.addEventListener("load", () => {
      page.classList.remove("loading");
      layout();
      scrollToBox();
    });
    image.addEventListener("error", () => {
      page.classList.remove("loading");
      message.textContent = `Không tải được ảnh trang ${view.page}.`;
    });
    const resize = () => { if (view.fit) layout(); };
    window.addEventListener("resize", resize);

    function keys(event) {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
      if (typing || event.ctrlKey || event.altKey || event.metaKey) return false;
      const actions = {
        ArrowLeft: () => goTo(view.page - 1), PageUp: () => goTo(view.page - 1),
        ArrowRight: () => goTo(view.page + 1), PageDown: () => goTo(view.page + 1),
        "+": () => zoomBy(ZOOM_STEP), "=": () => zoomBy(ZOOM_STEP), "-": () => zoomBy(1 / ZOOM_STEP),
        0: () => fit(),
      };
      const action = actions[event.key];
      if (!action) return false;
      event.preventDefault();
      action();
      return true;
    }

    // Embedded (review desk): the keys work while the page has the focus; the dialog listens
    // on the whole document instead.
    if (!sidebar) stage.addEventListener("keydown", keys);

    goTo(1);
    return {
      data,
      root,
      goTo,
      showField,
      keys,
      destroy() { window.removeEventListener("resize", resize); },
    };
  }

  // The viewer as a dialog over the page; Esc (or the close button) closes it.
  let current = null;

  function closeDialog() {
    if (!current) return;
    const { overlay, viewer, opener, onKey } = current;
    current = null;
    document.removeEventListener("keydown", onKey, true);
    if (viewer) viewer.destroy();
    overlay.remove();
    document.body.classList.remove("viewer-open");
    if (opener && opener.isConnected) opener.focus();
  }

  async function open(resultId) {
    closeDialog();
    const opener = document.activeElement;
    const holder = el("div", { class: "viewer-holder" }, el("p", { class: "hint", text: "Đang mở tài liệu…" }));
    const overlay = el("div", { class: "viewer-modal", role: "dialog" }, holder);
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Xem tài liệu");
    overlay.addEventListener("click", (event) => { if (event.target === overlay) closeDialog(); });
    const onKey = (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeDialog();
      } else if (current && current.viewer) {
        current.viewer.keys(event);
      }
    };
    current = { overlay, viewer: null, opener, onKey };
    const mine = current;
    document.addEventListener("keydown", onKey, true);
    document.body.append(overlay);
    document.body.classList.add("viewer-open");
    try {
      const viewer = await mount(holder, resultId, { onClose: closeDialog });
      if (current !== mine) { viewer.destroy(); return null; }
      mine.viewer = viewer;
      const closer = viewer.root.querySelector(".viewer-close");
      if (closer) closer.focus();
      return viewer;
    } catch (error) {
      holder.replaceChildren(
        el("p", { class: "error", text: `Không mở được tài liệu: ${error.message}` }),
        button("✕ Đóng", "Đóng (Esc)", closeDialog, "viewer-close"));
      return null;
    }
  }

  window.SohoaViewer = { open, mount, close: closeDialog };
})();
