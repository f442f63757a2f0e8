// advcompress — stands in for the header libjxl's CMake generates (GenerateExportHeader): the metric module links
// libjxl's sources statically (scripts/build-deps.sh, stage jxl-metric), so nothing is exported.
// SPDX-License-Identifier: MIT
#pragma once
#define JXL_EXPORT
#define JXL_DEPRECATED
