# SPDX-License-Identifier: GPL-2.0
#
# ksplice top Makefile.  "make demo" sets up everything and runs a live
# update in the VM; "make check" sets up everything and runs all tests.

PREFIX ?= /usr/local
DESTDIR ?=
TESTS ?=

CREATE_TOOLS := create/ksplice-create create/ksplice-objdiff
APPLY_TOOLS := apply/ksplice-apply apply/ksplice-undo apply/ksplice-view \
	apply/ksplice-upgrade apply/ksplice-uname
APPLY_LIBS := apply/ksplice-lib.sh apply/ksplice-client.sh
SYSCONFDIR ?= /etc
CORE_MODULE := ksplice-core/ksplice.ko

# Build only the parts whose Makefile exists.
SUBDIRS := $(patsubst %/Makefile,%,$(wildcard create/Makefile ksplice-core/Makefile))

.PHONY: all deps deps-check demo check clean install install-files deb help $(SUBDIRS)

all: $(SUBDIRS)

# The kernel the test bed uses for demo and check (make deps KERNEL=...).
ifneq ($(KERNEL),)
export KSPLICE_KERNEL := $(KERNEL)
endif

create:
	$(MAKE) -C $@

# The core is built for the test bed's kernel (KERNEL=, else the default
# one) once that is set up, else for the running kernel; KDIR=<build dir>
# overrides.
ksplice-core:
	@kdir='$(KDIR)'; \
	if [ -z "$$kdir" ]; then \
		cfg=$$(scripts/ksplice-testbed env 2>/dev/null | \
		       sed -n 's/^KSPLICE_CONFIG_DIR=//p'); \
		[ -z "$$cfg" ] || eval "kdir=$$cfg/build"; \
	fi; \
	echo "$(MAKE) -C $@ $${kdir:+KDIR=$$kdir}"; \
	$(MAKE) -C $@ $${kdir:+KDIR="$$kdir"}

# KERNEL=<abi>-<flavour> sets up that kernel (default: the newest
# cloud-amd64 one); check also sets up the second test kernel.
SECOND_KERNEL := 6.1.0-47-amd64

deps:
	scripts/ksplice-setup $(KERNEL)

deps-check: deps
	scripts/ksplice-setup $(SECOND_KERNEL)

# The main job: set up, build, make an update and apply it live in the VM.
demo: deps all
	scripts/ksplice-demo $(PATCH)

# Everything the tests need is installed first (quick when already done).
check: deps-check all
	KSPLICE_SECOND_KERNEL=$(SECOND_KERNEL) tests/run $(TESTS)

clean:
	@set -e; for d in $(SUBDIRS); do $(MAKE) -C $$d clean; done

# Layout: $(PREFIX)/lib/ksplice holds the core (ksplice.ko), ksplice-lib.sh,
# create/ (ksplice-create, its lib/ and ksplice-objdiff) and the core's
# sources (ksplice-create builds them for the target kernel's symbol
# versions); bin/ksplice-create links to it, bin/ has ksplice-publish,
# sbin/ the apply tools and the client; the client's configuration (kept
# if there is one), cron file and boot unit go to SYSCONFDIR and
# lib/systemd/system.
LIBDIR := $(DESTDIR)$(PREFIX)/lib/ksplice
CORE_SOURCES := ksplice-core/Kbuild ksplice-core/Makefile ksplice-core/*.h ksplice-core/*.S \
	$(filter-out %.mod.c,$(wildcard ksplice-core/*.c))

install: all
	$(MAKE) install-files

# (what install copies, without building first: tests/unit/install.t)
install-files:
	install -d $(LIBDIR)/create/lib $(LIBDIR)/ksplice-core \
		$(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(CREATE_TOOLS) $(LIBDIR)/create/
	install -m 644 create/lib/*.sh create/lib/*.h create/lib/*.mk create/lib/*.awk \
		create/lib/*.sed \
		$(LIBDIR)/create/lib/
	install -m 755 create/lib/depcc $(LIBDIR)/create/lib/
	install -m 644 $(CORE_SOURCES) $(LIBDIR)/ksplice-core/
	install -d $(LIBDIR)/ksplice-core/include
	install -m 644 ksplice-core/include/*.h $(LIBDIR)/ksplice-core/include/
	install -m 644 $(CORE_MODULE) $(APPLY_LIBS) $(LIBDIR)/
	install -m 755 $(APPLY_TOOLS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 755 apply/ksplice-publish $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(SYSCONFDIR)/ksplice $(DESTDIR)$(SYSCONFDIR)/cron.d \
		$(DESTDIR)$(PREFIX)/lib/systemd/system
	[ -e $(DESTDIR)$(SYSCONFDIR)/ksplice/ksplice.conf ] || \
		install -m 644 apply/etc/ksplice.conf $(DESTDIR)$(SYSCONFDIR)/ksplice/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' apply/etc/ksplice.cron \
		>$(DESTDIR)$(SYSCONFDIR)/cron.d/ksplice
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' apply/etc/ksplice.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/ksplice.service
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	ln -sf ../lib/ksplice/create/ksplice-create $(DESTDIR)$(PREFIX)/bin/ksplice-create

# Debian packages (ksplice-common, ksplice, ksplice-create) in this
# directory: scripts/make-deb.
deb: all
	scripts/make-deb

help:
	@echo 'make deps     set up everything (as root): packages, test kernel'
	@echo '              image, its source and headers (scripts/ksplice-setup)'
	@echo 'make          build the tools (create/) and the core (ksplice-core/)'
	@echo 'make demo     set up and build, then make an update and apply and'
	@echo '              undo it in the VM (PATCH=file for another patch)'
	@echo 'make check    set up and build, then run all tests (tests/run);'
	@echo '              TESTS="a b"'
	@echo '              runs only the named tests'
	@echo 'make install  install to $$(DESTDIR)$$(PREFIX) (PREFIX=$(PREFIX)):'
	@echo '              ksplice-create in bin, apply tools in sbin, the'
	@echo '              rest in lib/ksplice; KDIR=<build dir> builds the'
	@echo '              core for another kernel than the test kernel'
	@echo 'make deb      build the Debian packages ksplice-common, ksplice'
	@echo '              (target machines) and ksplice-create (build machines)'
	@echo 'make clean    remove build products'
