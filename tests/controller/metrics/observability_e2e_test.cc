// Observability end to end: a real Prometheus (Debian's) scrapes a real 20 s `archload run`
// through the file_sd targets the run writes, with the very config deploy/ ships; then every
// query of every Grafana panel is evaluated through Prometheus's HTTP API, every exposition is
// checked by promtool, and Prometheus's figures are held against the run's JSON report.
// Registered as one ctest test: the run is set up once and every TEST reads it.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/background.h"
#include "tests/support/http_get.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::Background;
using archload::testing::FreeLoopbackPort;
using archload::testing::HttpGet;
using archload::testing::RunCommand;
using archload::testing::UrlEncode;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

const std::string kSource = ARCHLOAD_SOURCE_DIR;
// Edges of the exposed layout are at most 12.7% apart (histogram_quantile interpolates inside
// one) and the exact P99 is a log-linear bucket's highest value (0.79%): docs/metrics.md.
constexpr double kBucketError = 0.127 + 0.0079;

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Fixed(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Polls pred every 100 ms until it holds or `timeout` passes.
bool PollFor(const std::function<bool()>& pred, std::chrono::seconds timeout) {
  const auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

std::string Which(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
    if (access((std::string(dir) + name).c_str(), X_OK) == 0) return std::string(dir) + name;
  }
  return "";
}

struct Observed {
  std::string error;  // why the run could not be observed: every test fails with it
  fs::path dir, sd;
  int prometheus_port = 0;
  std::unique_ptr<Background> prometheus;
  std::string promtool;
  std::string sd_file;
  std::vector<std::string> targets;                // host:port of every /metrics
  std::map<std::string, std::string> expositions;  // target -> text, read during the run
  int exit_code = -1;
  std::string output;
  json report;
  std::string run_id;
  double started = 0, ended = 0;  // wall clock around the run

  json Api(const std::string& path_and_query) const {
    const auto r = HttpGet("127.0.0.1", prometheus_port, path_and_query, 30);
    if (r.status != 200) return json();
    return json::parse(r.body, nullptr, false);
  }
  json Instant(const std::string& expr, double at) const {
    const auto j = Api("/api/v1/query?query=" + UrlEncode(expr) + "&time=" + Fixed(at));
    return j.is_object() && j["status"] == "success" ? j["data"]["result"] : json();
  }
  json Range(const std::string& expr) const {
    const auto j = Api("/api/v1/query_range?query=" + UrlEncode(expr) +
                       "&start=" + Fixed(started - 5) + "&end=" + Fixed(ended + 5) + "&step=1");
    return j.is_object() && j["status"] == "success" ? j["data"]["result"] : json();
  }
  // Every raw sample of the series `selector` selects over the run: [{metric, values}].
  json Raw(const std::string& selector) const {
    const int span = static_cast<int>(ended - started) + 60;
    return Instant(selector + "[" + std::to_string(span) + "s]", ended + 5);
  }
};

Observed* s = nullptr;

void StartPrometheus(Observed& st) {
  const std::string prometheus = Which("prometheus");
  st.promtool = Which("promtool");
  if (prometheus.empty() || st.promtool.empty()) {
    st.error =
        "prometheus and promtool must be installed (apt-get install prometheus, or "
        "deploy/bootstrap.sh): this test runs a real Prometheus";
    return;
  }
  std::string config = Slurp(kSource + "/deploy/prometheus/prometheus.yml");
  const std::string shipped = "/tmp/archload/prometheus-sd";
  if (config.find("files: [\"" + shipped + "/*.json\"]") == std::string::npos) {
    st.error = "deploy/prometheus/prometheus.yml no longer reads " + shipped;
    return;
  }
  for (size_t at; (at = config.find(shipped)) != std::string::npos;) {
    config.replace(at, shipped.size(), st.sd.string());
  }
  std::ofstream(st.dir / "prometheus.yml") << config;
  st.prometheus_port = FreeLoopbackPort();
  st.prometheus = std::make_unique<Background>(
      std::vector<std::string>{
          prometheus, "--config.file=" + (st.dir / "prometheus.yml").string(),
          "--storage.tsdb.path=" + (st.dir / "data").string(),
          "--web.listen-address=127.0.0.1:" + std::to_string(st.prometheus_port),
          "--log.level=warn"},
      (st.dir / "prometheus.log").string());
  if (!PollFor(
          [&] { return HttpGet("127.0.0.1", st.prometheus_port, "/-/ready", 2).status == 200; },
          std::chrono::seconds(60))) {
    st.error = "Prometheus did not become ready: " + Slurp(st.dir / "prometheus.log");
  }
}

// Reads every target's /metrics once the load has run a few seconds (histograms hold data).
void ReadExpositions(Observed& st) {
  if (!PollFor(
          [&] {
            for (const auto& e : fs::directory_iterator(st.sd)) {
              if (e.path().extension() == ".json") st.sd_file = e.path().string();
            }
            return !st.sd_file.empty();
          },
          std::chrono::seconds(60))) {
    st.error = "the run wrote no file_sd targets into " + st.sd.string();
    return;
  }
  const json targets = json::parse(Slurp(st.sd_file), nullptr, false);
  for (const auto& g : targets) st.targets.push_back(g["targets"][0]);
  if (st.targets.empty()) {
    st.error = "empty targets file " + st.sd_file;
    return;
  }
  auto get = [](const std::string& target) {
    const size_t colon = target.rfind(':');
    return HttpGet(target.substr(0, colon), std::stoi(target.substr(colon + 1)), "/metrics");
  };
  // The controller is the first target; its elapsed seconds say how far the load has got.
  const std::regex elapsed("\narchload_run_elapsed_seconds(\\{[^}]*\\})? ([0-9.e+-]+)");
  if (!PollFor(
          [&] {
            std::smatch m;
            const std::string text = get(st.targets[0]).body;
            return std::regex_search(text, m, elapsed) && std::stod(m[2]) >= 5;
          },
          std::chrono::seconds(90))) {
    st.error = "the controller's /metrics never showed 5 s of load";
    return;
  }
  for (const auto& t : st.targets) {
    // A scrape can take seconds on a loaded machine: ask again until it answers.
    PollFor(
        [&] {
          st.expositions[t] = get(t).body;
          return st.expositions[t].find("archload_") != std::string::npos;
        },
        std::chrono::seconds(30));
  }
}

class ObservabilityE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s = new Observed;
    s->dir = fs::temp_directory_path() / ("archload-observability-e2e-" + std::to_string(getpid()));
    fs::remove_all(s->dir);
    s->sd = s->dir / "sd";
    fs::create_directories(s->sd);
    StartPrometheus(*s);
    if (!s->error.empty()) return;
    const fs::path report = s->dir / "report.json";
    s->started = Now();
    Background run({ARCHLOAD_BIN, "--catalog", kSource + "/problems", "run",
                    kSource + "/tests/data/observability.yaml", "--duration", "20s", "--agents",
                    "2", "--quiet", "--prometheus-sd", s->sd.string(), "--linger", "10s",
                    "--report", report.string()},
                   (s->dir / "run.log").string());
    ReadExpositions(*s);
    s->exit_code = run.Wait(std::chrono::seconds(180));
    s->ended = Now();
    s->output = run.Output();
    s->report = json::parse(Slurp(report), nullptr, false);
    if (!s->report.is_object()) {
      s->error = "no report (exit " + std::to_string(s->exit_code) + "): " + s->output;
      return;
    }
    s->run_id = s->report["run_id"];
  }
  static void TearDownTestSuite() {
    s->prometheus.reset();  // killed and reaped by PID
    fs::remove_all(s->dir);
    delete s;
    s = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(s->error.empty()) << s->error; }
};

TEST_F(ObservabilityE2e, TheRunPassedAndEveryTargetWasUp) {
  EXPECT_EQ(s->exit_code, 0) << s->output;
  EXPECT_EQ(s->targets.size(), 3u);  // the controller and two agents
  const json up = s->Raw("up{run=\"" + s->run_id + "\"}");
  ASSERT_EQ(up.size(), s->targets.size()) << up.dump();
  for (const auto& series : up) {
    EXPECT_EQ(series["values"][0][1], "1") << series.dump();  // up from the first scrape
  }
}

// What Grafana would substitute: the run picked, every component ("All").
std::string Substitute(std::string expr) {
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"${run}", s->run_id},
      {"$run", s->run_id},
      {"${problem}", s->report["problem"]},
      {"$problem", s->report["problem"]},
      {"${component}", ".*"},
      {"$component", ".*"},
      {"$__rate_interval", "4s"},  // max(4 x scrape interval, step + scrape interval)
      {"$__interval", "1s"},
      {"$__range", std::to_string(static_cast<int>(s->ended - s->started) + 10) + "s"}};
  for (const auto& [var, value] : vars) {
    for (size_t at; (at = expr.find(var)) != std::string::npos;)
      expr.replace(at, var.size(), value);
  }
  return expr;
}

std::vector<fs::path> Dashboards() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/grafana/dashboards")) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(ObservabilityE2e, EveryQueryOfEveryDashboardPanelReturnsData) {
  const auto boards = Dashboards();
  ASSERT_EQ(boards.size(), 4u);
  int queries = 0;
  std::set<std::string> uids;
  for (const auto& path : boards) {
    const json d = json::parse(Slurp(path), nullptr, false);
    ASSERT_TRUE(d.is_object()) << path;
    EXPECT_TRUE(uids.insert(d["uid"].get<std::string>()).second) << "duplicate uid in " << path;
    EXPECT_GE(d["schemaVersion"].get<int>(), 36) << path;
    std::set<std::string> variables;
    for (const auto& v : d["templating"]["list"]) variables.insert(v["name"]);
    for (const char* v : {"datasource", "run", "problem", "component"}) {
      EXPECT_TRUE(variables.count(v)) << path << " lacks the variable " << v;
    }
    for (const auto& panel : d["panels"]) {
      EXPECT_EQ(panel["datasource"]["uid"], "${datasource}") << panel["title"];
      ASSERT_FALSE(panel["targets"].empty()) << panel["title"];
      for (const auto& target : panel["targets"]) {
        const std::string expr = Substitute(target["expr"]);
        const json result = s->Range(expr);
        ++queries;
        bool data = false;
        for (const auto& series : result) data = data || !series["values"].empty();
        EXPECT_TRUE(data) << path.filename().string() << " / " << panel["title"].get<std::string>()
                          << ": no data for " << expr;
      }
    }
  }
  std::cout << "evaluated " << queries << " panel queries over " << boards.size()
            << " dashboards\n";
}

TEST_F(ObservabilityE2e, TemplateVariablesOfferTheRunAndItsComponents) {
  const std::string end = "&start=" + Fixed(s->started) + "&end=" + Fixed(s->ended + 5);
  const json runs =
      s->Api("/api/v1/label/run/values?match[]=" + UrlEncode("archload_run_info") + end);
  ASSERT_TRUE(runs.is_object());
  const auto& values = runs["data"];
  EXPECT_NE(std::find(values.begin(), values.end(), s->run_id), values.end()) << runs.dump();
  const json components =
      s->Api("/api/v1/label/component/values?match[]=" +
             UrlEncode("archload_group_instances{run=\"" + s->run_id + "\"}") + end);
  std::set<std::string> names(components["data"].begin(), components["data"].end());
  for (const auto& c : s->report["components"]) EXPECT_TRUE(names.count(c["name"])) << c["name"];
}

TEST_F(ObservabilityE2e, PromtoolAcceptsEveryExposition) {
  ASSERT_EQ(s->expositions.size(), s->targets.size());
  for (const auto& [target, text] : s->expositions) {
    ASSERT_NE(text.find("archload_"), std::string::npos) << target << ": " << text.substr(0, 500);
    const fs::path file = s->dir / ("exposition-" + target.substr(target.rfind(':') + 1) + ".txt");
    std::ofstream(file) << text;
    const auto check = RunCommand(s->promtool + " check metrics < " + file.string());
    EXPECT_EQ(check.code, 0) << target << ": " << check.out;
    EXPECT_EQ(check.out, "") << target << ": promtool's lint found problems";
  }
}

TEST_F(ObservabilityE2e, EveryExposedMetricIsDocumented) {
  const std::string doc = Slurp(kSource + "/docs/metrics.md");
  std::set<std::string> names;
  for (const auto& [target, text] : s->expositions) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("# TYPE ", 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
    }
  }
  EXPECT_GT(names.size(), 50u);
  for (const auto& name : names) {
    EXPECT_NE(doc.find("`" + name + "`"), std::string::npos)
        << name << " is not in docs/metrics.md";
  }
}

TEST_F(ObservabilityE2e, LastScrapedCountersEqualTheReportAndIncreaseIsWithinOnePercent) {
  const uint64_t ok = s->report["requests"]["ok"];
  ASSERT_GT(ok, 10000u);
  const std::string selector =
      "archload_client_responses_total{run=\"" + s->run_id + "\",outcome=\"ok\"}";
  const json raw = s->Raw(selector);
  ASSERT_FALSE(raw.empty());  // one series per agent running load generators
  uint64_t last_sum = 0;
  double increase_sum = 0;
  for (const auto& series : raw) {
    const auto& values = series["values"];
    // The controller held the load until Prometheus had scraped every target: zero first.
    EXPECT_EQ(values.front()[1], "0") << series["metric"].dump();
    last_sum += std::stoull(values.back()[1].get<std::string>());
    // increase() over the whole series, read where it ends (its last scrape): Prometheus then
    // has no range edge to extrapolate to.
    const double last_at = values.back()[0];
    const std::string agent = series["metric"]["agent"];
    const json inc =
        s->Instant("increase(archload_client_responses_total{run=\"" + s->run_id +
                       "\",outcome=\"ok\",agent=\"" + agent + "\"}[" +
                       std::to_string(static_cast<int>(last_at - s->started) + 30) + "s])",
                   last_at);
    ASSERT_EQ(inc.size(), 1u) << inc.dump();
    increase_sum += std::stod(inc[0]["value"][1].get<std::string>());
  }
  EXPECT_EQ(last_sum, ok) << "the last scrape must be the final figures";
  EXPECT_NEAR(increase_sum, static_cast<double>(ok), 0.01 * ok);
  std::cout << "report ok " << ok << ", increase() " << increase_sum << " ("
            << 100 * (increase_sum - ok) / ok << "%)\n";
  // The controller's own run-level counter ends on the same figure.
  const json run = s->Raw("archload_run_responses_total{run=\"" + s->run_id + "\",outcome=\"ok\"}");
  ASSERT_EQ(run.size(), 1u);
  EXPECT_EQ(std::stoull(run[0]["values"].back()[1].get<std::string>()), ok);
}

TEST_F(ObservabilityE2e, HistogramQuantileIsWithinTheBucketErrorOfTheExactP99) {
  const double exact = s->report["latency_ms"]["p99"].get<double>() / 1e3;
  const std::string buckets = "archload_client_latency_seconds_bucket{run=\"" + s->run_id + "\"}";
  double last_at = 0;
  for (const auto& series : s->Raw(buckets)) {
    last_at = std::max(last_at, series["values"].back()[0].get<double>());
  }
  ASSERT_GT(last_at, 0);
  const json q =
      s->Instant("histogram_quantile(0.99, sum by (le) (increase(" + buckets + "[" +
                     std::to_string(static_cast<int>(last_at - s->started) + 30) + "s])))",
                 last_at);
  ASSERT_EQ(q.size(), 1u) << q.dump();
  const double estimate = std::stod(q[0]["value"][1].get<std::string>());
  const double error = std::abs(estimate - exact) / exact;
  std::cout << "exact p99 " << exact << " s, histogram_quantile " << estimate << " s, error "
            << 100 * error << "%\n";
  EXPECT_LE(error, kBucketError);
  // The NFR target is an exact edge: the fraction under it is the histogram's own count.
  const json under = s->Instant(
      "sum(increase(archload_client_latency_seconds_bucket{run=\"" + s->run_id + "\",le=\"0.2\"}[" +
          std::to_string(static_cast<int>(last_at - s->started) + 30) + "s]))",
      last_at);
  ASSERT_EQ(under.size(), 1u) << "no bucket at the 200 ms target";
}

TEST_F(ObservabilityE2e, TheControllersExactP99GaugeEqualsTheReport) {
  const json raw = s->Raw("archload_run_latency_seconds{run=\"" + s->run_id +
                          "\",class=\"all\",window=\"run\",percentile=\"99\"}");
  ASSERT_EQ(raw.size(), 1u) << raw.dump();
  const double gauge = std::stod(raw[0]["values"].back()[1].get<std::string>());
  const double report = s->report["latency_ms"]["p99"].get<double>() / 1e3;
  EXPECT_NEAR(gauge, report, report * 1e-9);
  // The verdict was scraped before the run's processes went.
  const json pass = s->Raw("archload_run_pass{run=\"" + s->run_id + "\"}");
  ASSERT_EQ(pass.size(), 1u) << "the verdict never reached Prometheus";
  EXPECT_EQ(pass[0]["values"].back()[1], s->report["pass"].get<bool>() ? "1" : "0");
}

TEST_F(ObservabilityE2e, TheRunsTargetsFileIsRemovedWhenItEnds) {
  EXPECT_FALSE(s->sd_file.empty());
  EXPECT_FALSE(fs::exists(s->sd_file));
}

}  // namespace
