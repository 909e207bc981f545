/*
 * hostsfile.h - parse a hosts file and rewrite the blocks amlhosts manages,
 * preserving every byte it does not own (SPEC 6).
 *
 * The file is kept as its original bytes plus an index of lines; a rewrite
 * copies untouched lines verbatim (BOM, CRLF, comments, a missing final
 * newline included) and emits only managed lines itself:
 *
 *   # BEGIN amlhosts <target>
 *   # Managed by amlhosts. Change the configuration, not these lines.
 *   <ip>\t<name>
 *   # END amlhosts <target>
 *
 * A line outside the blocks that maps a name a block manages is disabled as
 * "#amlhosts:<target># <original bytes>"; if it also carried names amlhosts
 * does not manage, those stay alive on a line of their own just below it:
 *
 *   <ip>\t<name> <name>\t#amlhosts-kept:<target>
 *
 * Removing a block restores disabled lines exactly and drops the kept lines.
 * A line disabled for another target that also mapped a name the rewrite
 * frees (of a removed block, or one a changed block no longer lists) keeps
 * its prefix, and its kept line is written anew with the names managed now,
 * so the freed name is alive again and the kept line stays what amlhosts
 * would write (later runs must not take it for one edited by hand): see
 * "chain" at hostsfile_rewrite_out() below. A kept line edited by hand
 * (its bytes are not what amlhosts would write for the disabled line above
 * it) is never regenerated.
 *
 * Ownership: struct hostsfile borrows the bytes passed to hostsfile_parse();
 * they must outlive it. A rendered block goes to a caller-owned struct buf;
 * a rewrite to a caller-owned struct hosts_out of segments that borrow the
 * unchanged bytes.
 */
#ifndef AMLHOSTS_HOSTSFILE_H
#define AMLHOSTS_HOSTSFILE_H

#include <stddef.h>
#include <stdint.h>
#include "hosts/entries.h"
#include "base/util.h"

#define HOSTS_BEGIN "# BEGIN amlhosts "
#define HOSTS_END "# END amlhosts "
#define HOSTS_NOTICE "# Managed by amlhosts. Change the configuration, not these lines."
#define HOSTS_DISABLED_PREFIX "#amlhosts:"  /* + target + "# " */
#define HOSTS_KEPT_MARK "#amlhosts-kept:"   /* + target, at end of line */
/* After "\t", at the end of the last block's END line: the file had no
 * final newline before amlhosts appended its blocks; removing them (so
 * that no block ends the file) gives back the file without one. */
#define HOSTS_NOEOL_MARK "#amlhosts-no-final-newline"

/* 12 bytes, not 24: a list of a million lines is indexed in 12 MB. Files
 * are at most ATOMICFILE_MAX_BYTES; hostsfile_parse refuses 4 GiB. */
struct hosts_line {
	uint32_t off; /* offset of the first byte */
	uint32_t len; /* bytes including the line ending */
	unsigned char eol; /* bytes of line ending within len: 0, 1 (LF) or 2 (CRLF) */
};

struct hosts_block {
	char *name;
	size_t begin; /* line index of BEGIN */
	size_t end;   /* line index of END */
};

struct hostsfile {
	const char *data; /* borrowed */
	size_t len;
	struct hosts_line *lines;
	size_t nlines;
	int crlf; /* the file's line ending is CRLF (from its first line ending) */
	int bom;  /* the file starts with a UTF-8 BOM */
	struct hosts_block *blocks;
	size_t nblocks;
	/* Block names hashed (open addressing; slot = block index + 1, 0 is
	 * free), so that finding a block, and the duplicate check of each new
	 * one, does not scan every block: a file of 50,000 blocks stays linear. */
	size_t *block_slots;
	size_t nslots;
};

/* Is s a valid target name: 1-64 of [A-Za-z0-9._-], starting alphanumeric? */
int hosts_target_name_valid(const char *s);

/*
 * Index data. A broken block structure (BEGIN without END, a second BEGIN
 * inside a block, END without BEGIN, END naming another block, two blocks of
 * one name) fails with a message giving the line numbers (1-based).
 */
int hostsfile_parse(struct hostsfile *hf, const char *data, size_t len, char **cause);
void hostsfile_release(struct hostsfile *hf);

/* Index of the block named target, or -1. */
long hostsfile_find_block(const struct hostsfile *hf, const char *target);

/* The entries written in a block (lines "ip name..." between the markers;
 * lines that do not parse are skipped and counted in *skipped if not NULL). */
int hostsfile_block_entries(const struct hostsfile *hf, size_t block,
    struct entry_list *out, size_t *skipped, char **cause);

/* SHA-256 (hex) of a block's bytes, BEGIN through END line endings included:
 * the journal keeps it to tell when a block was edited by hand. */
void hostsfile_block_hash(const struct hostsfile *hf, size_t block, char out[65]);

/* Number of lines disabled on behalf of target ("#amlhosts:<target># ..."). */
size_t hostsfile_count_disabled(const struct hostsfile *hf, const char *target);
/* The same for every block at once, in one pass over the file: counts[i]
 * for block i (counts has nblocks elements). */
void hostsfile_count_disabled_blocks(const struct hostsfile *hf, size_t *counts);

/* Render a block with the given line ending into out (appends). */
void hostsfile_render_block(const char *target, const struct entry_list *entries,
    int crlf, struct buf *out);

/*
 * One rewrite (hostsfile_rewrite_out(), below): apply or remove blocks in a
 * single pass over the file.
 * For each change, entries != NULL writes that target's block (replacing it
 * where it stands, or appending it at the end, adding a line ending to a
 * last line that has none) and disables prior lines mapping its names;
 * entries == NULL removes the block. Lines disabled for a changed target are
 * first restored and re-checked against its new names, and its kept lines
 * dropped, so the result never depends on what an earlier run disabled.
 * With restore_all (uninstall), every block is removed and every disabled
 * line of any target is restored, changes being ignored.
 *
 * A file without a final newline keeps that fact in the file itself, so
 * that remove and uninstall give back the exact bytes:
 *  - on the END line of the block that ends it ("\t" HOSTS_NOEOL_MARK):
 *    when a rewrite leaves no block at the end, the line ending added when
 *    the block was appended is taken away again. Only the file's last line
 *    carries it: a block appended in a later run takes the mark, and the
 *    END line before it, copied, loses it (and gets it back when it ends
 *    the file again);
 *  - on a kept line: a last line without a line ending that is disabled
 *    with a kept line below it gets the file's line ending (CR LF after a
 *    lone CR of its own), and the kept line, now last, none. When a
 *    rewrite drops that kept line, the line ending now last (of the
 *    restored line, or of what replaces the kept line) is taken away
 *    again; when a block is appended after it, its END line is marked.
 * A last kept line with a line ending, as versions before this rule wrote
 * one for such a line, is left as it is; remove then leaves the restored
 * line with its line ending.
 *
 * A restored line that maps a name of a block that stays is disabled for
 * that block: removing one block never brings back a line that shadows
 * another.
 *
 * A disabled line and the kept lines below it that came from it are one
 * chain: its kept line, and where that was disabled since for another
 * target (as versions before this rule did when a second target was
 * applied in a later run), that target's kept line below it, and so on.
 * Where a rewrite touches a chain (a target it names is changed, a name
 * of the original line is freed, managed by a block of the file as read
 * and by none after it, or one is being applied), the whole chain is
 * written anew from the original line as a line is disabled today: one
 * prefix, one kept line with the names no block manages now (none where
 * every name is managed), the original line itself where no block
 * manages a name of it. The prefix keeps naming its target while that
 * target manages a name of the line; else the first applied target that
 * does, else the first block that stays. So targets applied in one run or
 * one after the other give the same shape (only which target the prefix
 * names may differ, e.g. "#amlhosts:B#" where B was applied first); e.g.
 * "10.9.9.9 a.example b.example alias" disabled for A with kept line
 * "10.9.9.9\talias\t#amlhosts-kept:A" (A and B applied) gets
 * "10.9.9.9\tb.example alias\t#amlhosts-kept:A" when B is removed, and
 * "#amlhosts:B# ..." with "10.9.9.9\ta.example alias\t#amlhosts-kept:B"
 * when A is. Left as it is (line by line as before): a chain whose last
 * kept line was edited by hand, one whose last kept line amlhosts wrote
 * is gone, one naming a target neither changed nor in the file, a line
 * behind two prefixes (amlhosts never writes one), and a kept line whose
 * disabled line above it is gone. So applying any of A, B and C and
 * removing them, or uninstalling, in any order gives back the original
 * bytes, and no kept line amlhosts wrote is ever reported edited.
 *
 * A name mapped to one address in one block and another in a block that
 * stays is an error. Blocks must name valid targets.
 */
struct block_change {
	const char *target;
	const struct entry_list *entries; /* NULL: remove */
};

/*
 * A kept line below a disabled line of a target being rewritten is "edited"
 * when its bytes (line ending included) differ from what amlhosts would
 * write for that disabled line given the names of all blocks of the file as
 * read: the original line's address, its names no block manages, "\t"
 * HOSTS_KEPT_MARK target, the disabled line's ending (none for a last kept
 * line without one: see above). (A kept line where
 * amlhosts would write none is edited too; without the target's block in
 * the file, nothing is judged edited.) An unedited kept line is dropped
 * and regenerated as before. An edited one is the user's:
 *  - a change that writes the target keeps the disabled line and the kept
 *    line as they are, byte for byte;
 *  - removing the target (or restore_all) restores the disabled line and
 *    keeps the edited line without its "\t#amlhosts-kept:<target>" mark, an
 *    ordinary line from then on, so the user's names stay resolvable.
 * Each one is listed in *edited (if not NULL; emptied first), in file order.
 */
struct hosts_kept_edit {
	size_t line;  /* 1-based, in the file as read */
	char *target; /* as the mark names it */
};
struct hosts_kept_edits {
	struct hosts_kept_edit *v;
	size_t n, cap;
};
#define HOSTS_KEPT_EDITS_INIT { NULL, 0, 0 }
void hosts_kept_edits_clear(struct hosts_kept_edits *l);

/*
 * A rewrite's output without a rendered copy of the file: a list of
 * segments, in order, whose bytes concatenated are the new file.
 * Unchanged runs of lines point into the bytes the hostsfile was parsed
 * from (borrowed: they must outlive the segments, as they outlive the
 * hostsfile); the lines amlhosts writes (blocks, disabled and kept lines,
 * and the file's last line, whose ending a rewrite may change) live in
 * side, a buffer the size of those lines only.
 *
 *   struct hosts_out o;
 *   hosts_out_init(&o);
 *   hostsfile_rewrite_out(&hf, changes, n, 0, &o, NULL, &cause);
 *   ... o.v[0..o.n), o.len bytes in all ...
 *   hosts_out_release(&o);
 *
 * While a rewrite builds it, a segment of side bytes has data NULL and
 * off its place in side (which may still move); hosts_out_finish() (done
 * by hostsfile_rewrite_out() on success) points every one at its bytes.
 *
 * hostsfile_rewrite_out() also lists the blocks it wrote, in file order,
 * each with its byte range in the output (BEGIN through END, line endings
 * included, as hostsfile_block_hash() hashes them), and sets blocks_known:
 * the journal's block hashes come from there, without parsing the output.
 */
struct hosts_seg {
	const char *data; /* the bytes; NULL: side, at off, until finished */
	size_t off;
	size_t len;
};

struct hosts_out_block {
	size_t name;       /* offset of its NUL-terminated name in names */
	size_t start, end; /* bytes of the output */
};

struct hosts_out {
	struct hosts_seg *v;
	size_t n, cap;
	size_t len;       /* bytes in v[0..n) */
	struct buf side;  /* rendered bytes */
	size_t side_mark; /* side bytes from here on are in no segment yet */
	struct hosts_out_block *blocks;
	size_t nblocks, capblocks;
	struct buf names;
	int blocks_known; /* blocks lists every block of the output */
};

void hosts_out_init(struct hosts_out *o);
void hosts_out_release(struct hosts_out *o);
/* Empty it, keeping its memory. */
void hosts_out_clear(struct hosts_out *o);
/* Append n borrowed bytes at p (they must outlive o's use). */
void hosts_out_borrow(struct hosts_out *o, const char *p, size_t n);
/* Append a copy of n bytes at p (into side). */
void hosts_out_copy(struct hosts_out *o, const char *p, size_t n);
/* Close the pending side bytes into a segment and point every side
 * segment at its bytes: after this v[i].data is never NULL. A finished o
 * is read, not added to (a side segment's data would not follow side if
 * it moved); hosts_out_clear() starts it again. Finishing it twice is
 * harmless. */
void hosts_out_finish(struct hosts_out *o);
/* Append the bytes of a finished o to b. */
void hosts_out_to_buf(const struct hosts_out *o, struct buf *b);
/* Append b's bytes, taking b's memory (b left empty) when o is empty: a
 * whole file handed over without a copy. */
void hosts_out_take(struct hosts_out *o, struct buf *b);
/* Does finished o hold exactly [data, data+len)? */
int hosts_out_equal(const struct hosts_out *o, const char *data, size_t len);
/* Block i's name, and the SHA-256 (hex) of its bytes in finished o. */
const char *hosts_out_block_name(const struct hosts_out *o, size_t i);
void hosts_out_block_hash(const struct hosts_out *o, size_t i, char out[65]);
/* SHA-256 (hex) of all of finished o's bytes, hashed where they lie. */
void hosts_out_hash(const struct hosts_out *o, char out[65]);
/* List hf's blocks as o's (blocks_known set): for output that came from
 * elsewhere than a rewrite, hf parsed from o's bytes (in place, or a copy:
 * only offsets from hf's start are kept). */
void hosts_out_note_blocks(struct hosts_out *o, const struct hostsfile *hf);

/* The rewrite described above, its output as segments (out emptied
 * first; finished on success). On failure (the errors above) *cause says
 * why and out holds nothing of use. */
int hostsfile_rewrite_out(const struct hostsfile *hf, const struct block_change *changes,
    size_t nchanges, int restore_all, struct hosts_out *out, struct hosts_kept_edits *edited,
    char **cause);

/*
 * The fast path of an apply that changes nothing: 1 only when
 * hostsfile_rewrite_out() of data (parsed) with these changes, restore_all 0,
 * would succeed, list no edited kept line and give back data byte for byte;
 * 0 when it would not, or when that is not sure (then rewrite). Decided by
 * one pass over data in place: markers found, each block compared with
 * what hostsfile_render_block() writes for its target, every line outside
 * the blocks checked for a name being applied; nothing proportional to
 * the file is allocated. Answers 0 wherever the file has a block no change
 * names, a change that removes (entries NULL), a disabled or kept line, or
 * anything hostsfile_parse() refuses.
 */
int hostsfile_apply_unchanged(const char *data, size_t len, const struct block_change *changes,
    size_t nchanges);

#endif
