# mptcp-rs: Multipath TCP (RFC 8684) for Linux as an out-of-tree Rust-for-Linux module.
#
# The two commands a newcomer types (each installs what is missing first):
#   make run     boot our kernel, load mptcp.ko, show what it does over two paths
#   make check   the whole test suite; ends with "N passed, N failed"
#
# Kbuild reads ./Kbuild (not this file) when it builds the module with M=.

SHELL := /bin/bash
TOOLS := $(CURDIR)/tools
# Same LLVM toolchain as the kernel build (tools/lib.sh).
LLVM ?= -19
export LIBCLANG_PATH ?= /usr/lib/llvm$(LLVM)/lib
export PATH := $(HOME)/.cargo/bin:$(PATH)

# Which of our kernels to build against and boot: ours (default) or debug (KASAN, lockdep...),
# e.g. `make check FLAVOR=debug`. Build directories are cached outside the clone.
FLAVOR ?= ours
export MPTCP_FLAVOR := $(FLAVOR)
KDIR = $$($(TOOLS)/kernel.sh $(FLAVOR))

.DEFAULT_GOAL := module
.PHONY: deps kernel kernel-upstream module run check cargo-test bench interop \
	upstream-selftests fmt fmtcheck clippy clean

deps:
	@$(TOOLS)/deps.sh

kernel: deps
	@$(TOOLS)/kernel.sh $(FLAVOR) >/dev/null

kernel-upstream: deps
	@$(TOOLS)/kernel.sh upstream >/dev/null

# mptcp.ko, and the test-only registrant selftests/tcp_ext.sh uses.
module: kernel
	@kdir=$(KDIR) && \
	$(MAKE) -s -C $$kdir M=$(CURDIR) LLVM=$(LLVM) modules && \
	$(MAKE) -s -C $$kdir M=$(CURDIR)/selftests/tcp_ext_test LLVM=$(LLVM) modules

run: module
	@$(TOOLS)/run-demo.sh

# Everything: userspace tests of the pure core, then one guest boot for KUnit and our
# selftests. tools/check.sh prints the combined "N passed, N failed" line last.
check: module
	@$(TOOLS)/check.sh

cargo-test: deps
	@cargo test --quiet

# Our kernel + module against upstream MPTCP in a second guest (tools/interop.sh).
interop: module kernel-upstream
	@$(TOOLS)/interop.sh

# Figures, not tests: plain TCP vs upstream MPTCP vs ours, single path (tools/bench.sh).
bench: module kernel-upstream
	@$(TOOLS)/bench.sh

upstream-selftests: module
	@$(TOOLS)/upstream-selftests.sh $(T)

fmt:
	@rustfmt --edition 2021 --config-path .rustfmt.toml rust/mptcp_main.rs rust/host/lib.rs rust/host/tests/*.rs

fmtcheck:
	@rustfmt --check --edition 2021 --config-path .rustfmt.toml rust/mptcp_main.rs rust/host/lib.rs rust/host/tests/*.rs

clippy: kernel
	@$(MAKE) -s -C $(KDIR) M=$(CURDIR) LLVM=$(LLVM) CLIPPY=1 modules
	@cargo clippy --quiet --all-targets

# Removes the in-place Kbuild outputs and cargo's target/; the kernel cache stays.
clean:
	@find rust include selftests -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.rmeta' -o -name '*.d' -o -name '*.order' -o -name '*.symvers' | xargs rm -f
	@rm -f mptcp.ko mptcp.mod mptcp.mod.c mptcp.o .mptcp* Module.symvers modules.order .modules.order.cmd
	@rm -rf build target
