# QuecPython example: exec(filePath) runs a script file as the module's REPL
# helper does, in a namespace of its own with __name__ "__main__".
import builtins


def exec(filePath):
    if not isinstance(filePath, str):
        raise TypeError("filePath must be a str")
    if not filePath.startswith("/"):
        filePath = "/" + filePath
    try:
        with open(filePath) as f:
            src = f.read()
    except OSError:
        raise OSError("File path error or not exist: [%s]" % filePath)
    code = compile(src, filePath, "exec")
    del src
    builtins.exec(code, {"__name__": "__main__", "__file__": filePath})
