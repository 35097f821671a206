// The HTML reports in a real browser: a real short run's report, a real short knee search's
// report (`archload knee --html`) and a comparison open in headless Chromium (Debian's, installed
// by deploy/bootstrap.sh) with the network switched off. Checked: no console error or exception, no
// request leaving the file, every expected figure in the DOM with data points drawn, full-page
// screenshots that are not blank (kept in the build tree to look at), and a PDF print. A
// deliberately broken page first proves the checks catch what they look for.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/text/base64.h"
#include "tests/support/chromium.h"
#include "tests/support/png.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::Chromium;
using archload::testing::DecodePng;
using archload::testing::RunCommand;
using Json = nlohmann::json;

const std::string kChromium = "/usr/bin/chromium";
const std::string kOut = std::string(ARCHLOAD_TEST_OUTPUT_DIR) + "/report-browser";

// Runs in the page after it loaded: what was drawn, and anything that points outside the file.
constexpr const char* kProbe = R"js((() => {
  const figures = {};
  for (const f of document.querySelectorAll('figure.figure')) {
    let marks = 0;
    for (const p of f.querySelectorAll('polyline')) marks += p.points.numberOfItems;
    marks += f.querySelectorAll('g.data circle, rect.bar, g.node, g.edge').length;
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    figures[f.id] = {declared: Number(f.dataset.points || 0), marks: marks,
                     width: box.width, height: box.height};
  }
  const external = [];
  for (const e of document.querySelectorAll('[src], [href], [srcset], [action], [data]')) {
    external.push(e.outerHTML.slice(0, 160));
  }
  for (const r of performance.getEntriesByType('resource')) external.push(r.name);
  const verdict = document.getElementById('verdict-word');
  return JSON.stringify({figures: figures, external: external, title: document.title,
                         verdict: verdict ? verdict.textContent : '',
                         rows: document.querySelectorAll('table tbody tr').length});
})())js";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct PageResult {
  Json probe;
  std::vector<std::string> errors;    // console errors, exceptions, failed loads
  std::vector<std::string> requests;  // anything fetched that is not the file itself
  std::string screenshot;             // PNG bytes, the whole page
  std::string pdf;
};

// Opens `html` in a new tab with the network off, probes it, screenshots it (screen and print
// media) and prints it to PDF.
PageResult Visit(Chromium& chrome, const std::string& html, const std::string& name) {
  PageResult r;
  const std::string target =
      chrome.Call("Target.createTarget", {{"url", "about:blank"}})["targetId"];
  const std::string s =
      chrome.Call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
  for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"}) {
    chrome.Call(domain, Json::object(), s);
  }
  chrome.Call(
      "Network.emulateNetworkConditions",
      {{"offline", true}, {"latency", 0}, {"downloadThroughput", -1}, {"uploadThroughput", -1}}, s);
  chrome.Call("Emulation.setDeviceMetricsOverride",
              {{"width", 1280}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", false}}, s);
  const auto nav = chrome.Call("Page.navigate", {{"url", "file://" + html}}, s);
  if (nav.contains("errorText")) r.errors.push_back("navigation: " + nav["errorText"].dump());
  chrome.WaitEvent("Page.loadEventFired", s, std::chrono::seconds(60));
  const auto value = chrome.Call(
      "Runtime.evaluate", {{"expression", kProbe}, {"returnByValue", true}}, s)["result"]["value"];
  r.probe = value.is_string() ? Json::parse(value.get<std::string>()) : Json::object();
  const auto metrics = chrome.Call("Page.getLayoutMetrics", Json::object(), s);
  const double height = metrics["cssContentSize"]["height"].get<double>();
  auto shot = [&](const Json& clip) {
    const auto b64 =
        chrome
            .Call("Page.captureScreenshot",
                  {{"format", "png"}, {"captureBeyondViewport", true}, {"clip", clip}}, s)["data"]
            .get<std::string>();
    return archload::text::Base64Decode(b64).value_or("");
  };
  r.screenshot = shot({{"x", 0}, {"y", 0}, {"width", 1280}, {"height", height}, {"scale", 1}});
  std::ofstream(kOut + "/" + name + ".png", std::ios::binary) << r.screenshot;
  chrome.Call("Emulation.setEmulatedMedia", {{"media", "print"}}, s);
  const std::string print =
      shot({{"x", 0}, {"y", 0}, {"width", 1280}, {"height", 1800}, {"scale", 1}});
  std::ofstream(kOut + "/" + name + "-print.png", std::ios::binary) << print;
  const auto pdf = chrome.Call("Page.printToPDF", {{"printBackground", true}}, s)["data"];
  r.pdf = archload::text::Base64Decode(pdf.get<std::string>()).value_or("");
  std::ofstream(kOut + "/" + name + ".pdf", std::ios::binary) << r.pdf;
  for (const auto& e : chrome.events()) {
    if (e.value("sessionId", "") != s) continue;
    const std::string m = e.value("method", "");
    const auto& p = e["params"];
    if (m == "Runtime.exceptionThrown") {
      r.errors.push_back("exception: " + p["exceptionDetails"].dump());
    } else if (m == "Runtime.consoleAPICalled" &&
               (p["type"] == "error" || p["type"] == "assert" || p["type"] == "warning")) {
      r.errors.push_back("console." + p["type"].get<std::string>() + ": " + p["args"].dump());
    } else if (m == "Log.entryAdded" &&
               (p["entry"]["level"] == "error" || p["entry"]["level"] == "warning")) {
      r.errors.push_back("log: " + p["entry"].dump());
    } else if (m == "Network.requestWillBeSent") {
      const std::string url = p["request"]["url"];
      if (url.rfind("file://" + html, 0) != 0 && url.rfind("data:", 0) != 0) {
        r.requests.push_back(url);
      }
    } else if (m == "Network.loadingFailed") {
      r.errors.push_back("load failed: " + p.dump());
    }
  }
  chrome.Call("Target.closeTarget", {{"targetId", target}});
  return r;
}

// The share of pixels that are not (near) white, and how many distinct colours (to 4 bits a
// channel) the screenshot has: a blank or unstyled page has almost none of either.
std::pair<double, size_t> Ink(const std::string& png, uint32_t* width, uint32_t* height) {
  std::string why;
  const auto img = DecodePng(png, &why);
  EXPECT_TRUE(img.has_value()) << why;
  if (!img) return {0, 0};
  *width = img->width;
  *height = img->height;
  size_t ink = 0;
  std::set<int> colours;
  for (size_t i = 0; i + 2 < img->rgb.size(); i += 3) {
    const int r = img->rgb[i], g = img->rgb[i + 1], b = img->rgb[i + 2];
    if (r < 235 || g < 235 || b < 235) ++ink;
    colours.insert((r >> 4) << 8 | (g >> 4) << 4 | (b >> 4));
  }
  return {static_cast<double>(ink) / (img->rgb.size() / 3.0), colours.size()};
}

// What every page must show: the figures by id, each with points, and a clean console.
void ExpectRendered(const PageResult& r, const std::vector<std::string>& figures,
                    const std::string& name, uint32_t min_height = 2000) {
  SCOPED_TRACE(name);
  EXPECT_TRUE(r.errors.empty()) << ::testing::PrintToString(r.errors);
  EXPECT_TRUE(r.requests.empty()) << ::testing::PrintToString(r.requests);
  EXPECT_TRUE(r.probe["external"].empty()) << r.probe["external"].dump();
  for (const auto& id : figures) {
    ASSERT_TRUE(r.probe["figures"].contains(id)) << id << " missing from the DOM";
    const auto& f = r.probe["figures"][id];
    EXPECT_GT(f["declared"].get<int>(), 0) << id;
    EXPECT_GT(f["marks"].get<int>(), 0) << id << ": nothing drawn";
    EXPECT_GT(f["width"].get<double>(), 600) << id << ": not laid out";
    EXPECT_GT(f["height"].get<double>(), 100) << id;
  }
  uint32_t w = 0, h = 0;
  const auto [ink, colours] = Ink(r.screenshot, &w, &h);
  EXPECT_EQ(w, 1280u);
  EXPECT_GT(h, min_height) << "the full page, not one screen";
  EXPECT_GT(ink, 0.03) << "the screenshot is (almost) blank";
  EXPECT_GT(colours, 30u) << "the screenshot has hardly any colour";
  EXPECT_EQ(r.pdf.rfind("%PDF", 0), 0u);
  EXPECT_GT(r.pdf.size(), 20000u);
}

void ExpectSelfContained(const std::string& path) {
  const std::string html = ReadFile(path);
  ASSERT_FALSE(html.empty()) << path;
  for (const char* bad : {"http://", "https://", "<script", "<link", "<img", "@import", "url(h"}) {
    EXPECT_EQ(html.find(bad), std::string::npos) << path << " contains " << bad;
  }
}

const std::vector<std::string> kRunFigures = {"fig-design",      "fig-latency",   "fig-rates",
                                              "fig-errors",      "fig-spectrum",  "fig-utilization",
                                              "fig-queue-depth", "fig-rejections"};

TEST(ReportBrowserE2e, RunKneeAndComparisonReportsRenderInChromium) {
  ASSERT_TRUE(fs::exists(kChromium))
      << kChromium << " not found: the browser test needs Debian's chromium. Install it with "
      << "`deploy/bootstrap.sh --deps-only` (as root; chromium is in its PACKAGES list).";
  fs::create_directories(kOut);
  const std::string bin =
      std::string(ARCHLOAD_BIN) + " --catalog " + ARCHLOAD_SOURCE_DIR + "/problems ";
  // A real short run, its JSON and its HTML.
  const std::string run_json = kOut + "/run.json", run_html = kOut + "/run.html";
  const auto run =
      RunCommand("timeout 120 " + bin + "run tutorial-simple-blog --duration 4s " +
                 "--rate 500 --agents 2 --quiet --report " + run_json + " --html " + run_html);
  ASSERT_TRUE(run.code == 0 || run.code == 1 || run.code == 3) << run.out;  // a verdict
  const auto report = Json::parse(ReadFile(run_json));
  EXPECT_EQ(report["schema_version"], 2);
  EXPECT_GE(report["series"]["t_s"].size(), 4u);
  // A real knee search, short and at 1/10 scale (a few trials of 1 s), written by `knee --html`
  // and again from its JSON by `report`: the two pages must be the same.
  const std::string knee_json = kOut + "/knee.json", knee_html = kOut + "/knee.html";
  const auto knee =
      RunCommand("timeout 150 " + bin +
                 "knee tutorial-simple-blog --scale 1/10 --agents 2 --trial 1 "
                 "--warmup 0.5 --precision 0.1 --max-trials 8 --harness-bound 20 --report " +
                 knee_json + " --html " + knee_html);
  ASSERT_TRUE(fs::exists(knee_json)) << knee.out;
  const auto knee_report = Json::parse(ReadFile(knee_json));
  EXPECT_EQ(knee_report["schema"], "archload.knee/1");
  EXPECT_GE(knee_report["points"].size(), 3u) << knee.out;
  const std::string knee_html2 = kOut + "/knee-again.html";
  const auto again = RunCommand("timeout 60 " + bin + "report " + knee_json + " -o " + knee_html2);
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_EQ(ReadFile(knee_html2), ReadFile(knee_html));
  const std::string cmp_html = kOut + "/compare.html";
  const auto cmp = RunCommand("timeout 60 " + bin + "compare " + run_json + " " + run_json +
                              " --html " + cmp_html);
  EXPECT_EQ(cmp.code, 0) << cmp.out;
  for (const auto& p : {run_html, knee_html, cmp_html}) ExpectSelfContained(p);

  Chromium chrome(kChromium, kOut, std::chrono::seconds(90));
  ASSERT_TRUE(chrome.ok()) << chrome.why();

  // The checks below can fail: a page with a broken SVG path, a console error and an external
  // image must trip every one of them.
  const std::string broken = kOut + "/broken.html";
  std::ofstream(broken) << "<!DOCTYPE html><html><body><figure class=\"figure\" id=\"fig-x\" "
                           "data-points=\"1\"><svg><path d=\"M nan,0\"/></svg></figure>"
                           "<img src=\"http://192.0.2.1/x.png\"><script>console.error('broken')"
                           "</script></body></html>";
  const auto bad = Visit(chrome, broken, "broken");
  auto seen = [&](const std::string& what) {
    return std::any_of(bad.errors.begin(), bad.errors.end(),
                       [&](const std::string& e) { return e.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(seen("<path> attribute d")) << "an SVG error went unseen";
  EXPECT_TRUE(seen("console.error")) << "a console error went unseen";
  EXPECT_TRUE(seen("ERR_INTERNET_DISCONNECTED")) << "the network was not off";
  EXPECT_FALSE(bad.requests.empty()) << "a request to the network went unseen";
  EXPECT_FALSE(bad.probe["external"].empty());
  EXPECT_EQ(bad.probe["figures"]["fig-x"]["marks"], 0);

  const auto run_page = Visit(chrome, run_html, "run");
  ExpectRendered(run_page, kRunFigures, "run report");
  EXPECT_EQ(run_page.probe["title"], "archload report: tutorial-simple-blog");
  EXPECT_FALSE(run_page.probe["verdict"].get<std::string>().empty());

  const auto knee_page = Visit(chrome, knee_html, "knee");
  ExpectRendered(knee_page, {"fig-knee-latency", "fig-knee-throughput", "fig-knee-utilization"},
                 "knee report", 1200);
  EXPECT_EQ(knee_page.probe["title"], "archload knee: tutorial-simple-blog");
  ExpectRendered(Visit(chrome, cmp_html, "compare"),
                 {"fig-compare-spectrum", "fig-compare-p99", "fig-compare-rates"}, "comparison");
}

}  // namespace
