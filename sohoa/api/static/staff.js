// Staff page: login, search (3 modes), attach/detach to a dossier, review queue, audit log.
// Plain DOM, no framework: every value from the server is set as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { user: null, mode: "id-number" };

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.entries(props || {}).forEach(([key, value]) => {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  });
  children.flat().forEach((child) => {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  });
  return node;
}

function viDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

function viDateTime(iso) {
  if (!iso) return "";
  return `${viDate(iso)} ${iso.slice(11, 16)}`;
}

async function api(method, path, body) {
  return (await apiResponse(method, path, body)).data;
}

// The answer and its response: list endpoints give their total in a header (X-Total-Count).
async function apiResponse(method, path, body) {
  const options = {
    method,
    credentials: "same-origin",
    headers: { "X-Requested-With": "sohoa", Accept: "application/json" },
  };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (_) { data = null; }
  }
  if (response.status === 401 && path !== "/api/login") showLogin();
  if (!response.ok) {
    const message = (data && data.message) || `Lỗi ${response.status}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return { data, response };
}

// Units and procedures by name (the catalogue in use); the code when the catalogue has none.
const names = { units: {}, procedures: {} };

function unitName(code) {
  return (code && names.units[code]) || code || "?";
}

function procedureName(code) {
  const name = code && names.procedures[code];
  return name ? `${name} (${code})` : code;
}

function say(id, text, isError) {
  const node = $(id);
  node.textContent = text || "";
  node.classList.toggle("error", Boolean(isError));
}

// --- login ---------------------------------------------------------------------------------

function showLogin() {
  state.user = null;
  $("workspace").hidden = true;
  $("user-box").hidden = true;
  $("login-panel").hidden = false;
}

function showWorkspace(user) {
  state.user = user;
  $("login-panel").hidden = true;
  $("workspace").hidden = false;
  $("user-box").hidden = false;
  showUserName();
  $("audit-tab-button").hidden = !["supervisor", "admin"].includes(user.role);
  loadCatalogue();
}

function showUserName() {
  const user = state.user;
  if (!user) return;
  const roles = { staff: "cán bộ", supervisor: "lãnh đạo", admin: "quản trị" };
  $("user-name").textContent =
    `${user.username} (${roles[user.role] || user.role}${user.unit_code ? ", " + unitName(user.unit_code) : ""})`;
  $("user-name").title = user.unit_code || "";
}

async function login(event) {
  event.preventDefault();
  say("login-error", "");
  try {
    const data = await api("POST", "/api/login", {
      username: $("username").value,
      password: $("password").value,
    });
    $("password").value = "";
    showWorkspace(data.user);
  } catch (error) {
    say("login-error", error.message, true);
  }
}

async function logout() {
  await api("POST", "/api/logout").catch(() => null);
  showLogin();
}

// --- search --------------------------------------------------------------------------------

function setMode(mode) {
  state.mode = mode;
  document.querySelectorAll("#search-form [data-mode]").forEach((row) => {
    row.hidden = row.getAttribute("data-mode") !== mode;
  });
}

// Dates are typed and shown day/month/year whatever the browser's locale (a date picker follows
// the computer's, often mm/dd/yyyy); the API takes ISO.
function isoDate(text) {
  const typed = text.trim();
  let match = typed.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  let [day, month, year] = match ? [match[1], match[2], match[3]] : [];
  if (!match && (match = typed.match(/^(\d{4})-(\d{2})-(\d{2})$/))) [year, month, day] = [match[1], match[2], match[3]];
  if (!match) return null;
  const date = new Date(Date.UTC(+year, +month - 1, +day));
  if (date.getUTCDate() !== +day || date.getUTCMonth() !== +month - 1) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function searchRequest() {
  if (state.mode === "id-number") return { id_number: $("q-id").value.trim() };
  if (state.mode === "name") {
    const dob = isoDate($("q-dob").value);
    if (!dob) throw new Error("Ngày sinh phải có dạng ngày/tháng/năm, ví dụ 12/03/2024.");
    return { name: $("q-name").value, date_of_birth: dob };
  }
  return { document_number: $("q-doc").value };
}

const SEARCH_PAGE = 20;

async function search(event) {
  event.preventDefault();
  $("results").replaceChildren();
  $("search-more").hidden = true;
  try {
    state.search = { mode: state.mode, body: searchRequest(), shown: 0, total: 0 };
  } catch (error) {
    say("search-message", error.message, true);
    return;
  }
  await searchMore();
}

// The next page of the same search ("Xem thêm"): each page is audited as the search it is.
async function searchMore() {
  const current = state.search;
  if (!current) return;
  say("search-message", "Đang tra cứu…");
  $("search-more").hidden = true;
  try {
    const path = `/api/search/${current.mode}?offset=${current.shown}&limit=${SEARCH_PAGE}`;
    const data = await api("POST", path, current.body);
    $("results").append(...data.results.map(resultCard));
    current.shown += data.count;
    current.total = data.total;
    const more = current.shown < current.total;
    say("search-message", !current.total ? "Không tìm thấy kết quả nào."
      : more ? `Tìm thấy ${current.total} kết quả, đang hiển thị ${current.shown}.`
        : `Tìm thấy ${current.total} kết quả.`);
    $("search-more").hidden = !more;
  } catch (error) {
    say("search-message", error.message, true);
  }
}

function thumbnail(card) {
  const img = el("img", { class: "thumb", alt: `Ảnh thu nhỏ ${card.doc_type_label}`, loading: "lazy" });
  img.addEventListener("error", () => img.replaceWith(el("div", { class: "thumb-missing", text: "Chưa có ảnh thu nhỏ" })));
  img.src = card.thumbnail_url;
  // The thumbnail opens the viewer (viewer.js): every page, the fields, the OCR text.
  const open = el("button", { type: "button", class: "thumb-button", title: "Xem tài liệu: mọi trang, các trường, văn bản nhận dạng" }, img);
  open.addEventListener("click", () => window.SohoaViewer.open(card.id));
  return open;
}

function fieldList(fields) {
  return el("dl", { class: "fields" }, fields.flatMap((f) => [el("dt", { text: f.label }), el("dd", { text: f.value })]));
}

function disagreementList(card) {
  if (!card.disagreements || !card.disagreements.length) return null;
  return el("table", { class: "disagreements" },
    el("caption", { text: "Mã QR và chữ in trên thẻ không khớp" }),
    el("tr", {}, el("th", { text: "Trường" }), el("th", { text: "Theo mã QR" }), el("th", { text: "Theo chữ in" })),
    card.disagreements.map((d) => el("tr", {},
      el("td", { text: d.label }), el("td", { text: d.code_value }), el("td", { text: d.printed_value || "(không đọc được)" }))));
}

function resultCard(card) {
  const badges = [];
  if (card.expired) badges.push(el("span", { class: "badge badge-expired", text: "Hết hiệu lực" }));
  if (card.needs_review) badges.push(el("span", { class: "badge badge-review", text: "Cần rà soát" }));
  if (card.shared) badges.push(el("span", { class: "badge badge-shared", text: "Dùng chung toàn tỉnh" }));
  for (const signature of card.incoming_signatures || []) {
    const good = signature.verdict === "valid";
    badges.push(el("span", {
      class: `badge ${good ? "badge-signed" : "badge-review"}`,
      title: `${signature.signer_common_name || signature.signer} · ${signature.issuer}`,
      text: `Chữ ký số: ${signature.verdict_label}`,
    }));
  }
  const basics = [];
  if (card.owner_id_number) basics.push({ label: "Số định danh", value: card.owner_id_number });
  if (card.owner_date_of_birth) basics.push({ label: "Ngày sinh", value: viDate(card.owner_date_of_birth) });
  if (card.document_number) basics.push({ label: "Số giấy tờ", value: card.document_number });
  if (card.valid_until) basics.push({ label: "Hiệu lực đến", value: viDate(card.valid_until) });
  const shown = new Set(["id_number", "date_of_birth", "expiry_date", "valid_until"]);
  const extra = card.key_fields.filter((f) => !shown.has(f.name) && f.value !== card.document_number)
    .map((f) => ({ label: f.label, value: /^\d{4}-\d{2}-\d{2}$/.test(f.value) ? viDate(f.value) : f.value }));
  const attach = el("button", { type: "button", class: "attach-button", text: "Gắn vào hồ sơ" });
  attach.disabled = !card.attachable;
  if (!card.attachable) attach.title = card.not_attachable_reason || "Không thể gắn";
  attach.addEventListener("click", () => attachResult(card));
  return el("article", { class: `result-card${card.expired ? " expired" : ""}`, "data-result-id": String(card.id) },
    thumbnail(card),
    el("div", {},
      el("div", { class: "card-head" },
        el("span", { class: "doc-type", text: card.doc_type_label }),
        el("span", { class: "owner", text: card.owner_name || "(chưa rõ chủ giấy tờ)" }),
        badges),
      fieldList(basics.concat(extra)),
      disagreementList(card),
      el("p", { class: "hint", text: `Số hóa ngày ${viDateTime(card.digitized_at)} · đơn vị ${unitName(card.unit_code)} · phiên bản ${card.version}` }),
      el("div", { class: "card-actions" },
        el("a", { href: card.original_url, target: "_blank", rel: "noopener", text: "Xem bản gốc" }),
        card.signing && card.signing.signed_pdf_url
          ? el("a", { href: card.signing.signed_pdf_url, target: "_blank", rel: "noopener", class: "signed-copy",
            title: `${card.signing.label}${card.signing.signer ? " · " + card.signing.signer : ""}`,
            text: "Bản số hóa có ký số" })
          : null,
        attach,
        card.attachable ? null : el("span", { class: "reason", text: card.not_attachable_reason || "" }))));
}

// --- dossier -------------------------------------------------------------------------------

function showDossier(dossier) {
  const about = [`Hồ sơ ${dossier.code}`];
  if (dossier.unit_code) about.push(`đơn vị ${unitName(dossier.unit_code)}`);
  if (dossier.procedure_code) about.push(`thủ tục ${procedureName(dossier.procedure_code)}`);
  $("dossier-info").textContent = about.join(" · ");
  $("reused-count").textContent = String(dossier.reused_count);
  $("components").replaceChildren(...dossier.components.map((c) => {
    const reused = c.status.startsWith("reused");
    const item = el("li", { "data-component-id": String(c.id) },
      el("span", { text: c.name }),
      el("span", { class: `status${reused ? " reused" : ""}`, text: c.status_label }));
    if (c.result_id) {
      const detach = el("button", { type: "button", class: "link detach-button", text: "Gỡ" });
      detach.addEventListener("click", () => detachComponent(dossier.code, c.id));
      item.append(el("span", { class: "hint", text: `kết quả #${c.result_id}` }), detach);
    }
    return item;
  }));
}

async function loadDossier(event) {
  if (event) event.preventDefault();
  const code = $("dossier-code").value.trim();
  if (!code) return;
  try {
    showDossier(await api("GET", `/api/dossiers/${encodeURIComponent(code)}`));
    say("dossier-message", "");
  } catch (error) {
    if (error.status === 404) {
      showDossier({ code, reused_count: 0, components: [] });
      say("dossier-message", "Hồ sơ chưa có thành phần nào được số hóa hoặc tái sử dụng.");
    } else {
      say("dossier-message", error.message, true);
    }
  }
}

// Reception: the dossier counts from now on, and the applicant's reusable results are offered
// before any paper is asked for (accepting one is the usual attach, to the component typed).
// --- reception: the procedure's components and the applicant's reusable results -----------

async function loadCatalogue() {
  try {
    const catalogue = await api("GET", "/api/catalogue");
    names.units = catalogue.units || {};
    names.procedures = Object.fromEntries(catalogue.procedures.map((p) => [p.code, p.name]));
    showUserName();
    $("procedures").replaceChildren(...catalogue.procedures.map((p) =>
      el("option", { value: p.code, label: `${p.name} (${p.field})`, text: `${p.name} (${p.field})` })));
  } catch (_) {
    // The form still works with a typed code; the list only helps to find it.
  }
}

function procedureCode() {
  // The datalist puts the code in the box; a pasted "1.000894 — Đăng ký kết hôn" keeps its code.
  return $("procedure-code").value.trim().split(/\s+/)[0] || "";
}

function proposalRow(code, proposal) {
  const card = proposal.card;
  const parts = [card.doc_type_label, card.owner_name || "(chưa rõ chủ giấy tờ)"];
  if (card.document_number) parts.push(`số ${card.document_number}`);
  if (card.issue_date) parts.push(`cấp ngày ${viDate(card.issue_date)}`);
  if (card.valid_until) parts.push(`hiệu lực đến ${viDate(card.valid_until)}`);
  if (!proposal.owner_is_applicant) parts.push("người nộp có tên trong giấy tờ");
  const row = el("div", { class: "proposal", "data-proposal-id": String(proposal.proposal_id),
    "data-result-id": String(card.id) },
    el("a", { href: card.original_url, target: "_blank", rel: "noopener", class: "what", text: parts.join(" · ") }),
    el("span", { class: `status${proposal.state === "accepted" ? " reused" : ""}`, text: proposal.state_label }));
  if (proposal.state === "shown") {
    const accept = el("button", { type: "button", class: "accept-button", text: "Dùng lại" });
    const decline = el("button", { type: "button", class: "link decline-button", text: "Không dùng" });
    accept.addEventListener("click", () => decideProposal(code, proposal, "accept"));
    decline.addEventListener("click", () => decideProposal(code, proposal, "decline"));
    row.append(accept, decline);
  }
  return row;
}

function offerItem(code, offer) {
  const head = el("div", { class: "offer-head" },
    el("strong", { text: offer.name }),
    offer.mandatory ? null : el("span", { class: "hint", text: "không bắt buộc" }),
    offer.rule ? el("span", { class: "hint", text: offer.rule }) : null);
  if (offer.to_scan) {
    const why = offer.doc_type_labels.length
      ? "Chưa có kết quả số hóa dùng lại được — nhận giấy tờ và số hóa"
      : "Nhận giấy tờ và số hóa";
    return el("li", { class: "offer to-scan" }, head, el("span", { class: "hint", text: why }));
  }
  return el("li", { class: "offer" }, head, ...offer.proposals.map((p) => proposalRow(code, p)));
}

async function decideProposal(code, proposal, action) {
  try {
    const answer = await api("POST",
      `/api/dossiers/${encodeURIComponent(code)}/proposals/${proposal.proposal_id}/${action}`);
    showDossier(answer.dossier);
    const decided = { ...proposal, state: answer.state,
      state_label: answer.state === "accepted" ? "Đã dùng lại" : "Không dùng" };
    document.querySelector(`.proposal[data-proposal-id='${proposal.proposal_id}']`)
      .replaceWith(proposalRow(code, decided));
    say("dossier-message", answer.state === "accepted"
      ? `Đã dùng lại ${proposal.card.doc_type_label} cho hồ sơ ${code}.`
      : "Đã ghi nhận: không dùng kết quả này.");
  } catch (error) {
    say("dossier-message", error.message, true);
  }
}

async function receiveDossier(event) {
  event.preventDefault();
  const body = {
    dossier_code: $("dossier-code").value.trim(),
    procedure_code: procedureCode(),
    channel: Number($("channel").value),
    applicant_id_number: $("applicant-id").value.trim() || null,
  };
  if (!body.dossier_code) {
    say("dossier-message", "Nhập mã hồ sơ trước khi tiếp nhận.", true);
    return;
  }
  try {
    const answer = await api("POST", "/api/dossiers", body);
    showDossier(answer.dossier);
    $("procedure-name").textContent = answer.procedure
      ? `Thủ tục: ${answer.procedure.name} (${answer.procedure.code}) · danh mục phiên bản ${answer.procedure.catalogue_version}`
      : "";
    $("offers").replaceChildren(...answer.components.map((offer) => offerItem(body.dossier_code, offer)));
    say("dossier-message", (answer.created ? "Đã tiếp nhận hồ sơ. " : "Hồ sơ đã được tiếp nhận trước đó. ")
      + answer.message);
    if (!answer.procedure) {  // not in the catalogue: the applicant's results, unmatched
      state.search = null;
      $("search-more").hidden = true;
      $("results").replaceChildren(...answer.proposals.map(resultCard));
      say("search-message", answer.proposals.length ? "Kết quả số hóa của người nộp hồ sơ:" : "");
    }
  } catch (error) {
    say("dossier-message", error.message, true);
  }
}

async function attachResult(card) {
  const body = {
    result_id: card.id,
    dossier_code: $("dossier-code").value.trim(),
    component: $("component").value.trim(),
    procedure_code: procedureCode(),
  };
  if (!body.dossier_code || !body.component) {
    say("dossier-message", "Nhập mã hồ sơ và tên thành phần hồ sơ trước khi gắn kết quả.", true);
    $("dossier-code").focus();
    return;
  }
  try {
    const dossier = await api("POST", "/api/attachments", body);
    showDossier(dossier);
    say("dossier-message", `Đã gắn ${card.doc_type_label} của ${card.owner_name || "công dân"} vào thành phần "${body.component}".`);
  } catch (error) {
    say("dossier-message", error.message, true);
  }
}

async function detachComponent(code, componentId) {
  try {
    const path = `/api/dossiers/${encodeURIComponent(code)}/components/${componentId}/detach`;
    showDossier(await api("POST", path));
    say("dossier-message", "Đã gỡ kết quả khỏi thành phần hồ sơ (vẫn lưu trong lịch sử).");
  } catch (error) {
    say("dossier-message", error.message, true);
  }
}

// --- review --------------------------------------------------------------------------------

// The review desk lives in review.js (queue, viewer, the whole form of the document type).
function loadReview() {
  return window.SohoaReview.load();
}

// --- intake --------------------------------------------------------------------------------

const INTAKE_PAGE = 50;
const INTAKE_POLL_MS = 1500;
const BUSY_STATES = new Set(["queued", "processing"]);
const intake = { scans: [], poll: null, limits: null };

function intakeRow(scan) {
  const retry = el("button", { type: "button", class: "secondary", text: "Chạy lại" });
  retry.hidden = !scan.can_retry;
  retry.addEventListener("click", async () => {
    try {
      await api("POST", `/api/scans/${scan.id}/retry`);
      say("intake-message", `Đã đưa tệp ${scan.filename} vào hàng đợi lại.`);
      await loadIntake();
    } catch (error) {
      say("intake-message", error.message, true);
    }
  });
  const reason = (scan.reason || "").split("\n")[0];
  const dossiers = (scan.dossier_codes || []).join(", ");
  return el("tr", { "data-scan-id": String(scan.id), "data-state": scan.state },
    el("td", { class: "when", text: viDateTime(scan.received_at) }), el("td", { class: "filename", text: scan.filename }),
    el("td", { text: scan.components.join(", ") }, dossiers ? el("div", { class: "hint", text: `hồ sơ ${dossiers}` }) : null),
    el("td", { text: unitName(scan.unit_code), title: scan.unit_code || "" }),
    el("td", { class: `state state-${scan.state}`, text: scan.state_label }),
    el("td", { class: "reason", text: reason }), el("td", {}, retry));
}

// While a file waits or is being read the list refreshes itself, so staff see it finish.
function pollIntake() {
  clearTimeout(intake.poll);
  intake.poll = null;
  const busy = intake.scans.some((scan) => BUSY_STATES.has(scan.state));
  if (busy && state.user && !$("intake-tab").hidden) intake.poll = setTimeout(() => loadIntake(false, true), INTAKE_POLL_MS);
}

async function loadIntake(more = false, refresh = false) {
  const shown = $("intake-rows").children.length;
  const offset = more ? shown : 0;
  const limit = refresh ? Math.min(Math.max(shown, INTAKE_PAGE), 200) : INTAKE_PAGE;
  const chosen = $("intake-state").value;
  const query = `limit=${limit}&offset=${offset}` + (chosen ? `&state=${chosen}` : "");
  try {
    const page = await api("GET", `/api/scans?${query}`);
    intake.scans = more ? intake.scans.concat(page.scans) : page.scans;
    const rows = page.scans.map(intakeRow);
    if (more) $("intake-rows").append(...rows); else $("intake-rows").replaceChildren(...rows);
    const count = $("intake-rows").children.length;
    $("intake-more").hidden = count >= page.total;
    say("intake-message", page.total ? `${count} / ${page.total} tệp.` : "Chưa có tệp nào.");
  } catch (error) {
    say("intake-message", error.message, true);
  }
  pollIntake();
}

function showIntake() {
  if (!$("upload-dossier").value) $("upload-dossier").value = $("dossier-code").value.trim();
  if (!intake.limits) {
    api("GET", "/api/uploads").then((limits) => { intake.limits = limits; }).catch(() => null);
  }
  loadIntake();
}

function megabytes(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

// One file as the request body (no multipart), its progress reported as it is sent.
function sendFile(file, query, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/uploads?${query}`);
    xhr.setRequestHeader("X-Requested-With", "sohoa");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
      if (xhr.status === 401) showLogin();
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new Error((data && data.message) || `Lỗi ${xhr.status}`));
    });
    xhr.addEventListener("error", () => reject(new Error("Không gửi được tệp: mất kết nối tới máy chủ.")));
    xhr.send(file);
  });
}

function uploadResult(file, text, isError) {
  $("upload-results").append(el("li", { class: isError ? "error" : "ok" },
    el("strong", { text: file.name }), ` — ${text}`));
}

async function uploadFiles(event) {
  event.preventDefault();
  const files = Array.from($("upload-files").files);
  const dossier = $("upload-dossier").value.trim();
  if (!files.length || !dossier) {
    say("upload-message", "Chọn tệp quét và nhập mã hồ sơ trước khi tải lên.", true);
    return;
  }
  const limit = intake.limits ? intake.limits.max_bytes : Infinity;
  const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
  let sent = 0;
  $("upload-results").replaceChildren();
  $("upload-button").disabled = true;
  $("upload-progress").hidden = false;
  $("upload-progress").value = 0;
  for (const [index, file] of files.entries()) {
    say("upload-message", `Đang tải lên tệp ${index + 1}/${files.length}: ${file.name}…`);
    if (file.size > limit) {
      uploadResult(file, `tệp ${megabytes(file.size)}, lớn hơn giới hạn ${megabytes(limit)}: không gửi.`, true);
    } else {
      const query = new URLSearchParams({ filename: file.name, dossier_code: dossier,
        component: $("upload-component").value.trim(), kind: $("upload-kind").value });
      try {
        const receipt = await sendFile(file, query.toString(), (loaded) => {
          $("upload-progress").value = Math.round(((sent + loaded) / total) * 100);
        });
        uploadResult(file, receipt.message, false);
      } catch (error) {
        uploadResult(file, error.message, true);
      }
    }
    sent += file.size;
    $("upload-progress").value = Math.round((sent / total) * 100);
  }
  $("upload-button").disabled = false;
  $("upload-files").value = "";
  const failed = $("upload-results").querySelectorAll("li.error").length;
  say("upload-message", failed
    ? `Đã gửi ${files.length - failed}/${files.length} tệp; xem lý do bên dưới.`
    : `Đã gửi ${files.length} tệp. Danh sách bên dưới tự cập nhật khi xử lý xong.`, failed > 0);
  await loadIntake();
}

// --- audit ---------------------------------------------------------------------------------

const ACTIONS_VI = {
  login: "Đăng nhập",
  login_failed: "Đăng nhập sai",
  search: "Tra cứu",
  attach: "Gắn vào hồ sơ",
  attach_refused: "Gắn bị từ chối",
  detach: "Gỡ khỏi hồ sơ",
  view_original: "Xem bản gốc",
  view_refused: "Xem bị từ chối (đơn vị khác)",
  review_correction: "Sửa kết quả (rà soát)",
  export: "Xuất kết quả",
  view_searchable_pdf: "Xem PDF tìm kiếm được",
  retry_scan: "Chạy lại tệp lỗi",
  view_document: "Xem tài liệu (mọi trang)",
  review_confirm: "Xác nhận kết quả (rà soát)",
  upload: "Tải tệp quét lên",
  upload_refused: "Tải lên bị từ chối (hồ sơ đơn vị khác)",
  reception: "Tiếp nhận hồ sơ",
  proposal_declined: "Không dùng kết quả đề xuất",
  catalogue_import: "Nhập danh mục thủ tục",
  dossier_list_import: "Nhập danh sách hồ sơ",
  service_call: "Gọi API (tài khoản dịch vụ)",
  service_account_create: "Tạo tài khoản dịch vụ",
  service_account_revoke: "Thu hồi tài khoản dịch vụ",
};

const AUDIT_PAGE = 100;

async function loadAudit(more = false) {
  const offset = more ? $("audit-rows").children.length : 0;
  try {
    const { data, response } = await apiResponse("GET", `/api/audit?limit=${AUDIT_PAGE}&offset=${offset}`);
    const rows = data.map((r) => el("tr", {},
      el("td", { text: viDateTime(r.at) }), el("td", { text: r.username }), el("td", { text: ACTIONS_VI[r.action] || r.action }),
      el("td", { text: r.query }), el("td", { text: r.dossier_code }),
      el("td", { class: "hash", text: r.citizen_hash.slice(0, 16) })));
    if (more) $("audit-rows").append(...rows); else $("audit-rows").replaceChildren(...rows);
    const shown = $("audit-rows").children.length;
    const total = Number(response.headers.get("X-Total-Count") || shown);
    $("audit-more").hidden = shown >= total;
    say("audit-message", total ? `${shown} / ${total} dòng nhật ký.` : "Chưa có dòng nhật ký nào.");
  } catch (error) {
    say("audit-message", error.message, true);
  }
}

// --- wiring --------------------------------------------------------------------------------

function showTab(id) {
  document.querySelectorAll(".tab").forEach((tab) => tab.classList.toggle("active", tab.getAttribute("data-tab") === id));
  document.querySelectorAll(".tab-panel").forEach((panel) => { panel.hidden = panel.id !== id; });
  if (id === "review-tab") loadReview();
  if (id === "audit-tab") loadAudit();
  if (id === "intake-tab") showIntake();
}

document.addEventListener("DOMContentLoaded", async () => {
  $("login-form").addEventListener("submit", login);
  $("logout-button").addEventListener("click", logout);
  $("search-form").addEventListener("submit", search);
  $("dossier-form").addEventListener("submit", loadDossier);
  $("reception-form").addEventListener("submit", receiveDossier);
  $("review-reload").addEventListener("click", loadReview);
  $("audit-reload").addEventListener("click", () => loadAudit());
  $("audit-more").addEventListener("click", () => loadAudit(true));
  $("search-more").addEventListener("click", searchMore);
  $("upload-form").addEventListener("submit", uploadFiles);
  $("intake-reload").addEventListener("click", () => loadIntake());
  $("intake-state").addEventListener("change", () => loadIntake());
  $("intake-more").addEventListener("click", () => loadIntake(true));
  document.querySelectorAll("input[name=mode]").forEach((radio) => radio.addEventListener("change", () => setMode(radio.value)));
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => showTab(tab.getAttribute("data-tab"))));
  try {
    showWorkspace(await api("GET", "/api/me"));
  } catch (_) {
    showLogin();
  }
});
