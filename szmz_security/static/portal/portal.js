// Live countdowns to deadlines: red under two hours, "已逾期" once passed.
(function () {
  function format(seconds) {
    var late = seconds < 0;
    seconds = Math.abs(Math.floor(seconds));
    var d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
    var text = d ? d + "天" + h + "小时" : h ? h + "小时" + m + "分" : m + "分钟";
    return late ? "已逾期 " + text : "剩余 " + text;
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var seconds = (new Date(el.dataset.deadline) - new Date()) / 1000;
      el.textContent = format(seconds);
      el.classList.toggle("text-danger", seconds < 7200);
      el.classList.toggle("fw-bold", seconds < 7200);
      el.classList.toggle("text-body-secondary", seconds >= 7200);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  setInterval(tick, 30000);
})();
