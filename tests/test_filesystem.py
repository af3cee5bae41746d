"""The module's filesystem as the app sees it, on both runtimes.

The firmware mounts two LittleFS partitions and nothing else: customer_fs at
/usr and customer_backup_fs at /bak (QuecPython/microPython
ports/quectel/core/_boot.py), with 4 KiB blocks (QuecPython/micropython
ports/quectel/modules/_boot.py: FlashDevice('customer_fs', 4096)). The root
is not the app's to use (QuecPython docs
Quecpython_intro/en/Qp_Hw_EC600X/Hardware_Support_EC600X.md: "the root
directory can be read instead of writing ... all file io operations of user
should be done in /usr"). What MicroPython's VFS (extmod/vfs.c, which the
firmware runs) answers for the root and for a path under no mount: listdir('/')
lists the mount points, stat('/') is a bare folder, and anything else on / or
off the mounts raises EPERM (/ itself), EEXIST (mkdir of / or a mount point)
or ENOENT (a path under no mount: not on the board's flash, as the newer
firmware, which mounts customer_fs at /, answers for a path it lacks)."""

import os

DIR = 0x4000
FILE = 0x8000


def test_root_is_the_modules_not_the_hosts(board):
    # Paths off the mounts name no host file that exists, so that the same
    # test run against a shim that leaks to the host changes nothing there.
    r = board.run("""
N = '/qpyshim-no-such-dir'
print('ls', (uos.listdir('/'), uos.listdir()))
print('ils', [e[:2] for e in uos.ilistdir('/')])
print('stat', uos.stat('/'))
print('etc', (err(uos.listdir, '/etc')[:2], err(uos.stat, '/etc/passwd')[:2]))
print('open_host', (err(open, '/etc/passwd')[:2], err(open, N + '/x', 'w')[:2]))
print('open_root', (err(open, '/')[:2], err(open, 'x')[:2]))
print('mk', (err(uos.mkdir, N + '/x')[:2], err(uos.mkdir, '/usr')[:2], err(uos.mkdir, '/')[:2]))
print('rm', (err(uos.remove, '/')[:2], err(uos.remove, N + '/boot.py')[:2]))
print('mv', (err(uos.rename, N + '/x', N + '/y')[:2], err(uos.rename, '/usr/main.py', N + '/m')[:2]))
# '..' stays inside its partition, as in LittleFS
print('up', err(open, '/usr/../../../../etc/hostname')[:2])
uos.chdir('/usr')
print('up_rel', (err(open, '../../etc/hostname')[:2], uos.getcwd()))
uos.chdir('/')
print('bak', (uos.listdir('/bak'), uos.stat('/bak')[0]))
""")
    assert r.code == 0, r
    assert r.value("ls") == (["usr", "bak"], ["usr", "bak"])
    assert r.value("ils") == [("usr", DIR), ("bak", DIR)]
    assert r.value("stat") == (DIR, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    enodev = ("OSError", 2)  # ENOENT
    assert r.value("etc") == (enodev, enodev)
    assert r.value("open_host") == (enodev, enodev)
    assert r.value("open_root") == (("OSError", 1), enodev)
    assert r.value("mk") == (enodev, ("OSError", 17), ("OSError", 17))
    assert r.value("rm") == (("OSError", 1), enodev)
    assert r.value("mv") == (enodev, ("OSError", 1))
    assert r.value("up") == ("OSError", 2)  # /usr/etc/hostname: not there
    assert r.value("up_rel") == (("OSError", 2), "/usr")
    assert r.value("bak") == ([], DIR)


SMALL = {"model": {"fs": {"block_size": 4096, "blocks": 12, "bak_blocks": 6}}}


def test_stat_and_statvfs_answer_from_the_boards_flash(board):
    # LittleFS's statvfs: (bsize, frsize, blocks, bfree, bavail, 0, 0, 0, 0,
    # LFS_NAME_MAX); its stat carries no inode, owner or folder size
    # (MicroPython extmod/vfs_lfsx.c). The partitions' sizes are the model's
    # (the config's model.fs), never the host disk's.
    r = board.run("""
print('vfs0', (uos.statvfs('/usr'), uos.statvfs('/bak')))
with open('/usr/data.bin', 'wb') as f:
    f.write(b'x' * 5000)
print('vfs1', uos.statvfs('/usr')[3])
print('file', uos.stat('/usr/data.bin')[:7])
print('dir', (uos.stat('/usr')[:7], uos.stat('/usr/')[:7]))
uos.mkdir('/usr/logs')
print('vfs2', uos.statvfs('/usr')[3])
uos.remove('/usr/data.bin')
uos.rmdir('/usr/logs')
print('vfs3', uos.statvfs('/usr/')[3])
print('root', uos.statvfs('/')[:9])
""", net=SMALL)
    assert r.code == 0, r
    usr, bak = r.value("vfs0")
    # 12 blocks: the root's metadata pair (2) and main.py (1 block) are in use
    assert usr == (4096, 4096, 12, 9, 9, 0, 0, 0, 0, 255)
    assert bak == (4096, 4096, 6, 4, 4, 0, 0, 0, 0, 255)
    assert r.value("vfs1") == 7  # 5000 bytes: two blocks
    assert r.value("file") == (FILE, 0, 0, 0, 0, 0, 5000)
    assert r.value("dir") == ((DIR, 0, 0, 0, 0, 0, 0), (DIR, 0, 0, 0, 0, 0, 0))
    assert r.value("vfs2") == 5  # a folder is a metadata pair
    assert r.value("vfs3") == 9
    assert r.value("root") == (0,) * 9


def test_writing_until_full_fills_the_board_not_the_host(board):
    # A write past the partition's size fails with ENOSPC (LittleFS's
    # LFS_ERR_NOSPC, which MicroPython raises as OSError(28)); freeing a file
    # gives its blocks back. The app's files stay plain files in --flash DIR.
    flash = board.tmp / "flash"
    r = board.run("""
f = open('/usr/fill.bin', 'wb')
n = 0
try:
    while n < 10000000:
        n += f.write(b'y' * 1000)
    print('nospc', None)
except OSError as e:
    print('nospc', e.args[0])
f.close()
print('written', (n, uos.stat('/usr/fill.bin')[6]))
print('full', (uos.statvfs('/usr')[3], err(uos.mkdir, '/usr/d')[:2]))
print('more', err(lambda: open('/usr/more.txt', 'w').write('z' * 5000))[:2])
uos.remove('/usr/fill.bin')
print('freed', uos.statvfs('/usr')[3])
""", net=SMALL, args=("--flash", str(flash)))
    assert r.code == 0, r
    assert r.value("nospc") == 28
    written, size = r.value("written")
    assert written == size == 36000  # 9 free blocks of 4096 bytes, in 1000-byte writes
    assert r.value("full") == (0, ("OSError", 28))
    assert r.value("more") == ("OSError", 28)
    assert r.value("freed") == 9
    assert sorted(os.listdir(flash / "usr")) == ["main.py", "more.txt"]
    assert (flash / "usr" / "more.txt").stat().st_size == 0


def test_rename_with_absolute_paths(board):
    # QuecPython docs (Getting_started/zh/os/files.md) rename with two
    # absolute /usr paths; the unix port's VfsPosix got that wrong (ENOENT).
    r = board.run("""
with open('/usr/uos_test', 'w') as f:
    f.write('kept')
uos.rename('/usr/uos_test', '/usr/uos_test_new')
print('ls', sorted(uos.listdir('/usr')))
print('data', open('/usr/uos_test_new').read())
uos.mkdir('/usr/sub')
uos.chdir('/usr')
uos.rename('uos_test_new', 'sub/moved')
uos.chdir('/')
print('sub', (uos.listdir('/usr/sub'), open('usr/sub/moved').read()))
print('cross', err(uos.rename, '/usr/sub/moved', '/bak/moved')[:2])
print('mount_point', err(uos.rename, '/usr', '/usr/x')[:2])
""")
    assert r.code == 0, r
    assert r.value("ls") == ["main.py", "uos_test_new"]
    assert r.value("data") == "kept"
    assert r.value("sub") == (["moved"], "kept")
    assert r.value("cross") == ("OSError", 1)  # EPERM: one filesystem to another
    assert r.value("mount_point") == ("OSError", 22)  # EINVAL: LittleFS's own root



def test_no_path_leads_off_the_boards_flash(board):
    # On the module the app's open() reaches only /usr and /bak (QuecPython/
    # microPython ports/quectel/core/_boot.py mounts nothing else), so no
    # spelling of a path, the flash folder's host path included, opens a host
    # file; and an error carries its errno alone, as MicroPython's OSError(2)
    # does ("[Errno 2] ENOENT", py/moderrno.c), never where the flash lives.
    flash = board.tmp / "flash"
    (board.tmp / "secret.txt").write_text("host")
    r = board.run("""
import os
F = os.getenv('QPYSHIM_FLASH')
print('host', (err(lambda: open(F + '/../secret.txt').read()), err(lambda: open(F + '/own.txt').read()),
               err(lambda: open(F + '/usr/main.py').read()), err(lambda: open(F + '/../secret.txt', 'a'))))
print('msgs', [err(*c) for c in ((open, '/usr/etc/passwd'), (uos.stat, '/usr/nope'),
               (uos.listdir, '/usr/nope'), (uos.remove, '/usr/nope'), (uos.rmdir, '/usr/nope'),
               (uos.mkdir, '/usr/a/b'), (uos.rename, '/usr/nope', '/usr/x'), (open, '/usr/a/b', 'w'))])
""", args=("--flash", str(flash)))
    assert r.code == 0, r
    enoent = ("OSError", 2, "[Errno 2] ENOENT")
    assert r.value("host") == (enoent,) * 4
    assert r.value("msgs") == [enoent] * 8
    assert str(flash) not in r.out + r.err
    assert (board.tmp / "secret.txt").read_text() == "host"


def test_exclusive_create_is_charged_like_w(board):
    # LittleFS opens "x" as O_CREAT | O_EXCL (MicroPython extmod/vfs_lfsx_file.c,
    # which the firmware's VfsLfs2 runs): a new file, EEXIST if the name is
    # taken; what it writes fills the partition like any other write.
    r = board.run("""
f = open('/usr/new.txt', 'x')
f.write('abc')
f.close()
print('made', (open('/usr/new.txt').read(), err(open, '/usr/new.txt', 'x')[:2], err(open, '/usr', 'x')[:2]))
f = open('/usr/x.bin', 'xb')
n = 0
try:
    while n < 10000000:
        n += f.write(b'y' * 1000)
    print('nospc', None)
except OSError as e:
    print('nospc', e.args[0])
f.close()
print('full', (n, uos.stat('/usr/x.bin')[6], uos.statvfs('/usr')[3]))
""", net=SMALL)
    assert r.code == 0, r
    assert r.value("made") == ("abc", ("OSError", 17), ("OSError", 17))
    assert r.value("nospc") == 28
    assert r.value("full") == (32000, 32000, 0)  # 9 free blocks, new.txt took one


ATTRS = ("name", "closed", "mode", "encoding", "readable", "writable", "seekable",
         "truncate", "fileno", "writelines", "flush", "tell", "seek", "readinto")


def test_a_file_open_for_writing_is_the_interpreters_file(board):
    # What a write-mode file offers is what the interpreter's own file offers
    # (a CPython file has name, closed, truncate...; MicroPython's has fewer),
    # with the app's board path as its name; truncate and writelines are
    # charged against the flash as write() is.
    r = board.run("""
ATTRS = %r
with open('/usr/t.txt', 'w') as f:
    f.write('t')
ref = {m: open('/usr/t.txt', m) for m in ('r', 'rb')}
own = {m: [a for a in ATTRS if hasattr(ref[m], a)] for m in ref}
got = {}
for m, w in (('r', 'w'), ('rb', 'wb'), ('r', 'a'), ('rb', 'r+b')):
    f = open('/usr/t.txt', w)
    got[w] = ([a for a in ATTRS if hasattr(f, a)] == own[m], getattr(f, 'name', None),
              getattr(f, 'closed', None), hasattr(f, 'buffer') or hasattr(f, 'raw'))
    f.close()
    got[w] += (getattr(f, 'closed', True),)
print('attrs', got)
free = uos.statvfs('/usr')[3]
f = open('/usr/t.txt', 'wb')
if hasattr(f, 'truncate'):
    f.truncate(20000)
    a = free - uos.statvfs('/usr')[3]
    print('trunc', (a, err(f.truncate, 100000)[:2], f.truncate(10), free - uos.statvfs('/usr')[3]))
else:
    print('trunc', None)
if hasattr(f, 'writelines'):
    f.writelines([b'w' * 5000, b'w' * 5000])
    print('lines', free - uos.statvfs('/usr')[3])
else:
    print('lines', None)
f.close()
print('closed', free - uos.statvfs('/usr')[3])
""" % (ATTRS,), net=SMALL)
    assert r.code == 0, r
    got = r.value("attrs")
    cp = board.runtime == "cpython"
    for w, (same, name, closed, bypass, closed_after) in got.items():
        assert same, (w, got)
        assert name == ("/usr/t.txt" if cp else None)
        assert closed is (False if cp else None)
        assert closed_after is True
        assert not bypass  # no buffer/raw to write round the accounting
    if cp:
        assert r.value("trunc") == (5, ("OSError", 28), 10, 1)
        assert r.value("lines") == 3
        assert r.value("closed") == 3
    else:
        assert r.value("trunc") is None and r.value("lines") is None
        assert r.value("closed") == 0  # the loop above left t.txt empty


def test_free_space_follows_the_files_not_the_handles(board):
    # LittleFS counts a file's blocks once, whatever handles are open on it,
    # and an open file keeps its blocks until its last handle closes, even
    # once removed (littlefs lfs.c: open files are traversed by the block
    # allocator). After every step statvfs('/usr') must say what the folder
    # really holds: each file its size in 4 KiB blocks, 2 for the root.
    r = board.run("""
def folder():
    used = 2 + sum((uos.stat('/usr/' + n)[6] + 4095) // 4096 for n in uos.listdir('/usr'))
    return 12 - used
def free():
    return uos.statvfs('/usr')[3]
a = open('/usr/two.bin', 'wb')
a.write(b'a' * 5000)
b = open('/usr/two.bin', 'wb')  # truncates what a wrote, for both handles
s1 = free()
b.write(b'b' * 100)
a.write(b'a' * 100)  # lands at 5000: the file is 5100 bytes
s2 = free()
a.close()
b.close()
print('two', (s1, s2, free(), folder(), uos.stat('/usr/two.bin')[6]))
c = open('/usr/gone.bin', 'wb')
c.write(b'c' * 9000)
uos.remove('/usr/gone.bin')
s1 = free()
c.write(b'c' * 5000)
s2 = free()
c.close()
print('gone', (s1, s2, free(), folder()))
d = open('/usr/d.bin', 'w')
d.write('d' * 5000)
d.flush()  # CPython's buffer: the host file has it before the next handle writes
e = open('/usr/d.bin', 'a')
e.write('e' * 5000)
e.flush()
uos.rename('/usr/d.bin', '/usr/moved.bin')
d.write('d' * 3000)
s1 = free()
d.close()
e.close()
print('moved', (s1, free(), folder(), uos.stat('/usr/moved.bin')[6]))
""", net=SMALL)
    assert r.code == 0, r
    # 12 blocks: root 2 + main.py 1 in use before
    assert r.value("two") == (9, 7, 7, 7, 5100)
    assert r.value("gone") == (4, 3, 7, 7)  # 9000 bytes take 3, 14000 take 4, all back at close
    # "a" writes at the end whoever wrote it: 10000 bytes, then d's 3000 at 5000
    assert r.value("moved") == (4, 4, 4, 10000)
