/* 申报系列 → 申报专业 / 申报资格名称: a select marked data-follows="series" offers only the options
   of the 系列 chosen in the same form (an option's data-series lists its 系列, separated by "|";
   an option without it belongs to every 系列). The server checks the combination again, so the
   form works the same without this script. */
(function () {
  'use strict';

  function belongs(option, series) {
    var own = option.getAttribute('data-series');
    return !series || !option.value || own === null || own.split('|').indexOf(series) >= 0;
  }

  function follow(select, source) {
    var series = source.value;
    Array.prototype.forEach.call(select.options, function (option) {
      var shown = belongs(option, series);
      option.hidden = !shown;
      option.disabled = !shown;
    });
    if (select.selectedIndex > 0 && select.options[select.selectedIndex].disabled) {
      select.selectedIndex = 0;
    }
  }

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll('select[data-follows]'), function (select) {
      var source = select.form && select.form.elements[select.getAttribute('data-follows')];
      if (!source) { return; }
      source.addEventListener('change', function () { follow(select, source); });
      follow(select, source);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
}());
