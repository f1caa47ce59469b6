# Installation, for packagers and for building programs against an
# installed libpto. Every directory can be overridden; DESTDIR is prepended
# to all of them (staged installs):
#   make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=] [MANDIR=] ...
#   make uninstall                   the same variables, removes the same files
#                                    (both run ldconfig when DESTDIR is empty)
#   make kmod-install [KVER=] [DESTDIR=]
#                                    pto.ko into /lib/modules/<KVER>/updates,
#                                    then depmod
#   make install-dkms [DESTDIR=]     pto.ko's sources into
#                                    /usr/src/pto-<version> for dkms
#
# Headers: every header of libpto/include/ and the ABI headers of uapi/
# (pto_drm.h, pto_prof.h, pto_hs.h) go into <INCLUDEDIR>/pto/; the
# installed libpto.pc puts that directory on the include path, as the
# build tree's puts libpto/include and uapi, so a program includes
# <pto.h> and <pto_prof.h> the same way against either.

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DKMSDIR      ?= /usr/src/pto-$(PTO_VERSION)

INSTALL      ?= install
# DEPMOD=true skips depmod (a package runs it when installed); ldconfig
# runs only when installing into the live system (no DESTDIR).
DEPMOD       ?= depmod
LDCONFIG     ?= ldconfig
LIBPTO_REAL  := libpto.so.$(PTO_VERSION)
PTO_HEADERS  := $(wildcard libpto/include/*.h)
# pto_layout.h declares a libpto-internal function: not part of the ABI.
UAPI_HEADERS := $(filter-out uapi/pto_layout.h,$(wildcard uapi/*.h))
MAN_PAGES    := $(wildcard man/*.[37]) tools/ptodump.1
# The sources dkms builds pto.ko from (top-level Kbuild included).
DKMS_FILES   := Kbuild dkms.conf kmod/Kbuild $(wildcard kmod/*.[ch]) \
		$(wildcard uapi/*.[ch])

.PHONY: install uninstall kmod-install install-dkms

# A man page documents every name of its NAME section; each name but the
# page's own gets a one-line page that sources it (`man pto_device_close`).
man_names = $(shell sed -n '/^\.SH NAME/{n;s/ *\\-.*//;s/,/ /g;p;q}' $(1))
man_aliases = $(filter-out $(basename $(notdir $(1))),$(call man_names,$(1)))
MAN3_PAGES := $(filter %.3,$(MAN_PAGES))

install: libpto tools
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/pto $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man7
	$(INSTALL) -m 755 $(LIBPTO_SO) $(DESTDIR)$(LIBDIR)/$(LIBPTO_REAL)
	ln -sf $(LIBPTO_REAL) $(DESTDIR)$(LIBDIR)/libpto.so.0
	ln -sf libpto.so.0 $(DESTDIR)$(LIBDIR)/libpto.so
	$(INSTALL) -m 644 $(LIBPTO_A) $(DESTDIR)$(LIBDIR)/libpto.a
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' \
		'includedir=$(INCLUDEDIR)' $(PTO_PC_COMMON) \
		'Cflags: -I$${includedir}/pto' 'Libs: -L$${libdir} -lpto' \
		>$(DESTDIR)$(PKGCONFIGDIR)/libpto.pc
	$(INSTALL) -m 644 $(PTO_HEADERS) $(UAPI_HEADERS) \
		$(DESTDIR)$(INCLUDEDIR)/pto
	$(INSTALL) -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; \
		$(INSTALL) -m 644 $$p $(DESTDIR)$(MANDIR)/man$$s || exit; \
	done
	$(foreach p,$(MAN3_PAGES),$(foreach a,$(call man_aliases,$(p)),\
		echo '.so man3/$(notdir $(p))' \
			>$(DESTDIR)$(MANDIR)/man3/$(a).3 &&)) true
	$(if $(DESTDIR),,$(LDCONFIG))

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIBPTO_REAL) $(DESTDIR)$(LIBDIR)/libpto.so.0 \
		$(DESTDIR)$(LIBDIR)/libpto.so $(DESTDIR)$(LIBDIR)/libpto.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libpto.pc \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/pto/,$(notdir \
			$(PTO_HEADERS) $(UAPI_HEADERS))) \
		$(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS))) \
		$(foreach p,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix \
			$(p)))/$(notdir $(p))) \
		$(foreach p,$(MAN3_PAGES),$(patsubst %,$(DESTDIR)$(MANDIR)/man3/%.3,\
			$(call man_aliases,$(p))))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/pto
	$(if $(DESTDIR),,$(LDCONFIG))

# KVER comes from kmod/build.mk (the installed Debian headers); pass KDIR
# and KVER together to build and install for another kernel.
kmod-install: $(PTO_KO)
	$(INSTALL) -D -m 644 $(PTO_KO) \
		$(DESTDIR)/lib/modules/$(KVER)/updates/pto.ko
	$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)

install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/kmod $(DESTDIR)$(DKMSDIR)/uapi
	for f in $(DKMS_FILES); do \
		$(INSTALL) -m 644 $$f $(DESTDIR)$(DKMSDIR)/$$f || exit; \
	done
