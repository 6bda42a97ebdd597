// The incident report form: keep type and sub-type consistent, show follow-up fields only when
// they apply (personal-information count, disconnection time and person).
(function () {
  var form = document.getElementById("incident-form");
  if (!form) return;
  var map = JSON.parse(document.getElementById("subcategory-map").textContent);
  var category = form.elements.category, subcategory = form.elements.subcategory;

  // Either order works: picking a sub-type sets its type; changing the type clears a sub-type
  // of another type (the server refuses the mismatch too).
  if (category && subcategory) {
    category.addEventListener("change", function () {
      if (subcategory.value && map[subcategory.value] !== category.value) subcategory.value = "";
    });
    subcategory.addEventListener("change", function () {
      if (subcategory.value && map[subcategory.value]) category.value = map[subcategory.value];
    });
  }

  var follows = {
    personal_info_count: "personal_info_involved",
    disconnected_at: "network_disconnected",
    disconnected_by: "network_disconnected",
  };
  function toggle() {
    Object.keys(follows).forEach(function (name) {
      var wrap = document.getElementById("wrap-" + name), box = form.elements[follows[name]];
      if (!wrap || !box) return;
      var input = form.elements[name];
      var keep = box.checked || (input && input.value) || wrap.querySelector(".invalid-feedback");
      wrap.classList.toggle("d-none", !keep);
    });
  }
  Object.values(follows).forEach(function (name) {
    if (form.elements[name]) form.elements[name].addEventListener("change", toggle);
  });
  toggle();
})();
