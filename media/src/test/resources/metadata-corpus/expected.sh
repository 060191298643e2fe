#!/bin/sh
# Writes expected.json: what exiftool reads from every file of the corpus, for the tags Immich's
# metadata service looks at, read the way Immich reads them (MWG composite tags; numbers for
# GPS, orientation and focal length, exiftool's printed values for the rest). Run in this folder.
set -eu
cd "$(dirname "$0")"
exiftool -json -struct -use MWG -api largefilesupport=1 -charset filename=utf8 -fileOrder FileName -r -ext '*' \
  -SubSecDateTimeOriginal -SubSecCreateDate -SubSecMediaCreateDate -DateTimeOriginal -CreateDate -MediaCreateDate \
  -CreationDate -DateTimeCreated -GPSDateTime -DateTimeUTC -SonyDateTime2 -SourceImageCreateTime \
  -OffsetTimeOriginal -OffsetTimeDigitized -OffsetTime -TimeZone -TimeZoneOffset \
  -Make -Model -Device -AndroidMake -AndroidModel \
  -LensID -LensType -LensSpec -LensModel -ISO -ExposureTime -FNumber -FocalLength# \
  -GPSLatitude# -GPSLongitude# -Orientation# -ImageSize -ImageWidth -ImageHeight \
  -ImageDescription -Description -Rating -ContentIdentifier -MediaGroupUUID \
  -ExifToolVersion files > expected.json
