/* fl-report.h: a recording as one self-contained HTML file the class keeps: the lab, the
 * exercise and its checklist, every fault's detection and switchover per view, an SVG chart,
 * the events; inline CSS with a print stylesheet (A4), no script, nothing outside the file.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-recording-file.h"

G_BEGIN_DECLS

char *fl_report_html (const FlRecordingContents *contents,
                      const char                *source_name);

G_END_DECLS
