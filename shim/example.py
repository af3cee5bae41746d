# QuecPython example: exec(filePath) runs a script file as the module's REPL
# helper does, in a namespace of its own with __name__ "__main__".


def exec(filePath):
    with open(filePath) as f:
        src = f.read()
    g = {"__name__": "__main__", "__file__": filePath}
    code = compile(src, filePath, "exec")
    del src
    _run(code, g)


_run = eval("exec")  # the builtin: the name exec above shadows it here
