# SPDX-License-Identifier: GPL-2.0
# kbuild-objects.mk - ask Kbuild which objects it builds in some directories
# of a configured kernel tree, for objects.sh.  Run in the tree as
#
#   make -s -f Makefile -f kbuild-objects.mk ksplice-objects \
#        KSPLICE_OBJECTS_DIRS='. kernel kernel/sched'
#
# Read after the kernel's top Makefile, this file runs, for every directory,
# Kbuild's own scripts/Makefile.build (with the top Makefile's exported
# settings, as a real build does) and reads this file again after it, to
# print the lists Makefile.build computed for the configuration:
#
#   ksplice-objects DIR y OBJ...   built in: objects (composite objects
#                                  replaced by their parts, lib-y objects
#                                  included) and DIR/SUB/built-in.a for
#                                  every built-in subdirectory
#   ksplice-objects DIR m OBJ...   module objects and DIR/SUB/modules.order
#                                  for every subdirectory holding modules
#   ksplice-objects DIR c MOD=OBJ,OBJ...
#                                  the objects of each module made of
#                                  several (an assembler object's compile
#                                  has no KBUILD_MODNAME to tell it)
#   ksplice-objects DIR error      Kbuild could not read DIR's Makefile
#                                  on its own (its messages are on stderr)

ksplice-objects-mk := $(abspath $(lastword $(MAKEFILE_LIST)))

ifeq ($(ksplice-objects-role),dir)

# Read after scripts/Makefile.build obj=DIR.
.PHONY: ksplice-objects-dir
ksplice-objects-dir:
	@echo 'ksplice-objects $(obj) y $(strip $(real-obj-y) $(lib-y))'
	@echo 'ksplice-objects $(obj) m $(strip $(real-obj-m))'
	@echo 'ksplice-objects $(obj) c $(strip $(foreach m,$(multi-obj-m),$(m)=$(subst $(space),$(comma),$(strip $(addprefix $(obj)/,$(call suffix-search,$(patsubst $(obj)/%,%,$(m)),.o,-objs -y -m)))))))'

else

# Read after the top Makefile.
.PHONY: ksplice-objects
ksplice-objects:
	$(Q)for d in $(KSPLICE_OBJECTS_DIRS); do \
		$(MAKE) -f $(srctree)/scripts/Makefile.build \
			-f $(ksplice-objects-mk) ksplice-objects-role=dir \
			obj=$$d need-builtin=1 need-modorder=1 \
			ksplice-objects-dir || echo "ksplice-objects $$d error"; \
	done

endif
