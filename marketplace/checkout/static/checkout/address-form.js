/*
 * The Chinese delivery address form (checkout.forms.ChineseAddressForm).
 *
 * Without this file the form still works: the server fills the city and district lists for
 * the province and city chosen when it shows the form again. With it, choosing a province
 * loads its cities and districts (one small, cached response per province) and Hong Kong or
 * Macau switch the labels and hide the postcode at once. Loaded as a static file: no inline
 * script, for the Content-Security-Policy.
 */
(function () {
  "use strict";

  var loaded = {};

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function fill(select, items, keep) {
    var current = keep ? select.value : "";
    var found = false;
    select.length = 1; // the first option is "Choose…"
    items.forEach(function (item) {
      select.add(new Option(item[1], item[0]));
      if (item[0] === current) {
        found = true;
      }
    });
    select.value = found ? current : "";
  }

  function setUp(root) {
    var province = root.querySelector("[data-region=province]");
    var city = root.querySelector("[data-region=city]");
    var district = root.querySelector("[data-region=district]");
    var places = JSON.parse(root.getAttribute("data-places") || "{}");
    var url = root.getAttribute("data-regions-url");
    var cities = [];
    if (!province || !city || !district || !url) {
      return;
    }

    function group(name) {
      return root.querySelector('[data-address-field="' + name + '"]');
    }

    function showPlace(place) {
      var key = "data-" + place.toLowerCase();
      root.setAttribute("data-place", place);
      each(root.querySelectorAll("[data-cn]"), function (element) {
        var text = element.getAttribute(key);
        if (text) {
          element.textContent = text;
        }
      });
      var postcode = group("postcode");
      if (postcode) {
        postcode.hidden = place !== "CN";
        if (place !== "CN") {
          each(postcode.querySelectorAll("input"), function (input) {
            input.value = "";
          });
        }
      }
    }

    function showDistricts(keep) {
      var chosen = null;
      cities.forEach(function (item) {
        if (item.code === city.value) {
          chosen = item;
        }
      });
      var items = chosen ? chosen.districts : [];
      fill(district, items, keep);
      // A city without districts (e.g. 琼海市) has none to choose.
      group("district").hidden = Boolean(chosen) && items.length === 0;
    }

    function showCities(data, keep) {
      cities = data.cities;
      fill(
        city,
        cities.map(function (item) {
          return [item.code, item.name];
        }),
        keep
      );
      city.disabled = false;
      showDistricts(keep);
    }

    function load(keep) {
      var code = province.value;
      showPlace(places[code] || "CN");
      if (!code) {
        cities = [];
        fill(city, [], false);
        fill(district, [], false);
        return;
      }
      if (loaded[code]) {
        showCities(loaded[code], keep);
        return;
      }
      city.disabled = true;
      fetch(url + "?province=" + encodeURIComponent(code), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          loaded[code] = data;
          if (province.value === code) {
            showCities(data, keep);
          }
        })
        .catch(function () {
          city.disabled = false; // the server fills the lists when the form is sent
        });
    }

    province.addEventListener("change", function () {
      load(false);
    });
    city.addEventListener("change", function () {
      showDistricts(false);
    });
    if (province.value) {
      load(true);
    }
  }

  each(document.querySelectorAll("[data-address-form]"), setUp);
})();
