# SPDX-License-Identifier: GPL-2.0
# pp-normalize.sed - a preprocessed source reduced to what the compiler
# is handed as a program: line markers and blank lines left out.  The
# screen of header readers (screen.sh) compares two sources so reduced,
# and the dependency index (depcc) keeps the sha256 of each reader so
# reduced; both use this one file.
/^# [0-9]/d
/^[[:space:]]*$/d
