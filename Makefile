# SPDX-License-Identifier: GPL-2.0
#
# ksplice top Makefile.  "make deps" once (as root), then "make check".

PREFIX ?= /usr/local
DESTDIR ?=
TESTS ?=

CREATE_TOOLS := create/ksplice-create create/ksplice-objdiff
APPLY_TOOLS := apply/ksplice-apply apply/ksplice-undo apply/ksplice-view
APPLY_LIBS := apply/ksplice-lib.sh
CORE_MODULE := ksplice-core/ksplice.ko

# Build only the parts whose Makefile exists.
SUBDIRS := $(patsubst %/Makefile,%,$(wildcard create/Makefile ksplice-core/Makefile))

.PHONY: all deps check clean install help $(SUBDIRS)

all: $(SUBDIRS)

$(SUBDIRS):
	$(MAKE) -C $@

deps:
	scripts/ksplice-setup

check: all
	tests/run $(TESTS)

clean:
	@set -e; for d in $(SUBDIRS); do $(MAKE) -C $$d clean; done

install: all
	@set -e; \
	for f in $(CREATE_TOOLS); do \
		if [ -f $$f ]; then install -D -m 755 $$f \
			$(DESTDIR)$(PREFIX)/bin/$${f##*/}; fi; \
	done; \
	for f in $(APPLY_TOOLS); do \
		if [ -f $$f ]; then install -D -m 755 $$f \
			$(DESTDIR)$(PREFIX)/sbin/$${f##*/}; fi; \
	done; \
	for f in $(APPLY_LIBS); do \
		if [ -f $$f ]; then install -D -m 644 $$f \
			$(DESTDIR)$(PREFIX)/lib/ksplice/$${f##*/}; fi; \
	done; \
	if [ -f $(CORE_MODULE) ]; then install -D -m 644 $(CORE_MODULE) \
		$(DESTDIR)$(PREFIX)/lib/ksplice/ksplice.ko; fi

help:
	@echo 'make deps     set up everything (as root): packages, test kernel'
	@echo '              image, its source and headers (scripts/ksplice-setup)'
	@echo 'make          build the tools (create/) and the core (ksplice-core/)'
	@echo 'make check    build, then run all tests (tests/run); TESTS="a b"'
	@echo '              runs only the named tests'
	@echo 'make install  install to $$(DESTDIR)$$(PREFIX) (PREFIX=$(PREFIX)):'
	@echo '              create tools in bin, apply tools in sbin,'
	@echo '              the core and ksplice-lib.sh in lib/ksplice'
	@echo 'make clean    remove build products'
