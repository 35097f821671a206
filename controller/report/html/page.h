#pragma once

// The page around the report's sections: one self-contained HTML file (inline CSS and SVG, no
// script, no external URL), laid out for a screen and for A4 paper.

#include <string>

namespace archload::report::html {

// <!DOCTYPE html> ... <body><main>: `title` goes in <title> (escaped here).
std::string PageStart(const std::string& title);
std::string PageEnd();

// A figure: <figure id=... class="figure" data-points=N><h3>title</h3>svg<figcaption>.
// `caption` is plain text (escaped here); `points` is how many data marks the svg holds.
std::string Figure(const std::string& id, const std::string& title, const std::string& svg,
                   size_t points, const std::string& caption = "");

// A note where a figure would be when the report lacks its data (an older schema).
std::string Missing(const std::string& id, const std::string& title, const std::string& why);

}  // namespace archload::report::html
