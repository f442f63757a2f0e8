// advcompress — EXIF orientation: reading/resetting the tag in an EXIF (TIFF) stream and applying it to pixels.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "advcompress/image.h"

namespace advcompress {

/// Orientation tag (0x0112) of an EXIF TIFF stream ("II*\0"/"MM\0*" first); 1 when absent, out of 1–8 or
/// when the stream is malformed (never reads out of bounds).
uint8_t exif_orientation(const uint8_t* exif, size_t size);
/// Sets the orientation tag to 1 in place, if present. Returns whether a tag was changed.
bool exif_reset_orientation(std::vector<uint8_t>& exif);

/// Rotates/flips pixels so that an image stored with EXIF `orientation` (1–8) displays upright; width and
/// height swap for 5–8. Orientation 1 (or any invalid value) leaves the image as it is.
void apply_orientation(Image& image, uint8_t orientation);

}  // namespace advcompress
