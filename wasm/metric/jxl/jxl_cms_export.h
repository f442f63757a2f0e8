// advcompress — stands in for the header libjxl's CMake generates for jxl_cms (see jxl_export.h beside it).
// SPDX-License-Identifier: MIT
#pragma once
#define JXL_CMS_EXPORT
