/* The article page follows its edition: text fields take the edition's direction (Sorani and
   Arabic are written right to left) and sections are listed by their name in its language.
   Data comes from the JSON block #article-editions (no inline script: CSP script-src 'self'). */
"use strict";
(function () {
  const TEXT_FIELDS = ["title", "slug", "summary", "body_html", "credit", "correction_note", "picture_caption", "picture_credit", "picture_alt"];

  function editions() {
    const data = document.getElementById("article-editions");
    return data ? JSON.parse(data.textContent) : {};
  }

  function follow(edition, byEdition) {
    const info = byEdition[edition];
    if (!info) return;
    for (const name of TEXT_FIELDS) {
      const input = document.getElementById("id_" + name);
      if (!input) continue;
      input.setAttribute("dir", info.dir);
      // The body's rich editor replaces the textarea with its own editable area next to it.
      const editor = input.closest(".prose-editor");
      if (name === "body_html" && editor) editor.setAttribute("dir", info.dir);
    }
    const section = document.getElementById("id_section");
    if (section) {
      for (const option of section.options) {
        if (!option.value) continue;
        if (!option.dataset.slug) option.dataset.slug = option.textContent;
        option.textContent = info.sections[option.value] || option.dataset.slug;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const byEdition = editions();
    const edition = document.getElementById("id_edition");
    if (!edition) return;
    follow(edition.value, byEdition);
    edition.addEventListener("change", function () { follow(edition.value, byEdition); });
    // The rich editor mounts after this runs (module scripts load last): set its direction again then.
    window.addEventListener("load", function () { follow(edition.value, byEdition); });
  });
})();
