# source-tree.sh - sourced by contrib/check-sanitizers.sh and
# contrib/check-threads.sh, which build in a directory of their own.
#
# source_tree DIR: sets srcdir to the source tree that build uses.  A tree
# configured in place cannot host a VPATH build, so then it is a copy of
# the distributed files in DIR/src (make distdir); otherwise the tree
# itself ($top).  Calls the script's die() when the copy fails.
source_tree () {
    if [ -f config.status ]; then
        make distdir distdir="$1/src" >"$1/distdir.log" 2>&1 \
            || die "make distdir failed (see $1/distdir.log)"
        srcdir=$1/src
    else
        srcdir=$top
    fi
}
