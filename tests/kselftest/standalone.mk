# SPDX-License-Identifier: GPL-2.0
# The part of the kernel's selftests lib.mk this collection uses, for when there is no ../lib.mk.
#
# Same variables and targets, same behaviour for them: OUTPUT (default:
# this directory), all, run_tests (TAP from the runner's conventions: the
# program's output prefixed "# ", exit 4 is a skip, "timeout=" from
# settings), install INSTALL_PATH=DIR, emit_tests, clean.  A kernel tree's
# lib.mk can be used instead with KSFT_LIB_MK=<selftests>/lib.mk.

OUTPUT ?= $(HERE)
TEST_GEN_PROGS_EXTENDED := $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS_EXTENDED))
TEST_GEN_FILES := $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_FILES))
COLLECTION ?= swapscope

all: $(TEST_GEN_PROGS_EXTENDED) $(TEST_GEN_FILES)

# runner.sh's run_many, for TEST_PROGS only: the timeout is settings' (the
# runner's default 45 s otherwise), a timeout is exit 124.  Run where the
# programs were built, as lib.mk does for an OUTPUT outside the sources.
run_tests: all
ifneq ($(abspath $(OUTPUT)),$(HERE))
	@cp -p $(addprefix $(HERE)/,$(TEST_PROGS) $(TEST_FILES)) $(wildcard $(HERE)/settings) $(OUTPUT)/
endif
	@cd $(OUTPUT) && timeout=45; \
	[ -r settings ] && timeout=$$(sed -n 's/^timeout=//p' settings); \
	echo "TAP version 13"; echo "1..$(words $(TEST_PROGS))"; n=0; \
	for t in $(TEST_PROGS); do \
		n=$$((n + 1)); \
		echo "# timeout set to $$timeout"; \
		echo "# selftests: $(COLLECTION): $$t"; \
		{ timeout "$$timeout" ./$$t 2>&1; echo $$? > $(OUTPUT)/.rc.$$t; } | sed 's/^/# /'; \
		rc=$$(cat $(OUTPUT)/.rc.$$t); rm -f $(OUTPUT)/.rc.$$t; \
		case $$rc in \
		0) echo "ok $$n selftests: $(COLLECTION): $$t" ;; \
		4) echo "ok $$n selftests: $(COLLECTION): $$t # SKIP" ;; \
		124) echo "not ok $$n selftests: $(COLLECTION): $$t # TIMEOUT $$timeout seconds" ;; \
		*) echo "not ok $$n selftests: $(COLLECTION): $$t # exit=$$rc" ;; \
		esac; \
	done

install: all
	@test -n "$(INSTALL_PATH)" || { echo "Error: set INSTALL_PATH to use install" >&2; exit 2; }
	mkdir -p $(INSTALL_PATH)
	cp -p $(addprefix $(HERE)/,$(TEST_PROGS) $(TEST_FILES)) $(TEST_GEN_PROGS_EXTENDED) \
		$(TEST_GEN_FILES) $(wildcard $(HERE)/config $(HERE)/settings) $(INSTALL_PATH)/

emit_tests:
	@for t in $(TEST_PROGS); do echo "$(COLLECTION):$$t"; done

clean:
	rm -f $(TEST_GEN_PROGS_EXTENDED) $(TEST_GEN_FILES) $(EXTRA_CLEAN)

.PHONY: all run_tests install emit_tests clean
