"""Runs a command on a real pseudo-terminal and answers its first [y/N] question, for knn's confirmation tests.

  pty_answer.py ANSWER WORKING_DIRECTORY [NAME=VALUE ...] -- COMMAND [ARGS ...]

The command's stdin, stdout and stderr are the terminal, as for a person typing. Prints one JSON object:
{"exit": exit code, "asked": whether the question appeared, "output": everything the terminal showed}.
"""
import json
import os
import pty
import select
import sys
import time

answer, cwd = sys.argv[1], sys.argv[2]
separator = sys.argv.index("--")
environment = {k: v for k, v in os.environ.items() if not k.startswith(("KNN_", "AWS_"))}
for pair in sys.argv[3:separator]:
    name, _, value = pair.partition("=")
    environment[name] = value
command = sys.argv[separator + 1:]

pid, terminal = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execvpe(command[0], command, environment)

output, asked, deadline = b"", False, time.time() + 150
while time.time() < deadline:
    ready, _, _ = select.select([terminal], [], [], 1)
    if not ready:
        continue
    try:
        data = os.read(terminal, 4096)
    except OSError:  # the child closed the terminal
        break
    if not data:
        break
    output += data
    if not asked and b"[y/N]" in output:
        os.write(terminal, (answer + "\n").encode())
        asked = True
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "asked": asked, "output": output.decode(errors="replace")}))
