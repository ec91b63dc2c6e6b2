# yoke.bash - bash completion for yoke and the yoke-* tools.
#
# Options are read from the tool's own --help at completion time (and
# cached per binary), so a flag added to a tool completes without a change
# here.  What --help cannot say is known here: which values --priority
# and a STATUS take, and which options name files or commands.  Verbs
# (yoke-robot-status set ...) are read from the usage lines, which
# options go with which verb or mode from --help's "Options by verb:";
# protobuf type names from `--decode help` / `--encode help`.
#
# Install as <bash-completion dir>/yoke, with a link per tool name
# (yoke-pub, yoke-sub, ...) so bash-completion loads it on demand; or
# source it from ~/.bashrc.

declare -gA _yoke_opts_cache _yoke_args_cache _yoke_cmd_cache \
  _yoke_verb_cache _yoke_rverb_cache _yoke_only_cache _yoke_flag_cache
# Sourced from a source tree (completion/yoke.bash), the tree's own bin/
# is the last place to look for tools that are not installed.
_yoke_treebin=$(cd "${BASH_SOURCE[0]%/*}/../bin" 2>/dev/null && pwd)

_yoke_priorities="real-time interactive-high interactive-low data-high data
data-low background"
_yoke_statuses="online idle fault offline"

# _yoke_reply COMPGEN-ARGS...: COMPREPLY from compgen, one word per line
# (so file names with spaces stay whole).
_yoke_reply() {
  mapfile -t COMPREPLY < <(compgen "$@" 2>/dev/null | awk '!seen[$0]++')
}

# _yoke_read_help BIN: fill the caches for BIN from `BIN --help`.
#   _yoke_opts_cache[BIN]  every option, short and long
#   _yoke_args_cache[BIN]  " name=ARG " for each option that takes a value
#   _yoke_cmd_cache[BIN]   1 when a usage line ends in "[-- CMD ARGS...]"
#   _yoke_verb_cache[BIN]  the verbs: lowercase words after "[options]"
#   _yoke_rverb_cache[BIN] verbs after "[options] ROBOT" (yoke-drive)
#   _yoke_flag_cache[BIN]  " --flag " for each option that chooses a mode
#   _yoke_only_cache[BIN]  " OPT=,MODE,MODE, " for each option that goes
#                          only with some modes (a verb, a mode flag, or
#                          "-": no verb, no flag); options not in it go
#                          with every mode
# Which option goes with which mode is the "Options by verb:" (or "by
# mode:") list that lib/opt.c prints from the tool's declaration: a mode
# per line (a verb, "--flag", or "(phrase)" for a default), then its own
# options, wrapped at column 26.
_yoke_read_help() {
  local bin=$1 line opts="" args=" " cmd="" verbs="" short long arg
  local vre='^(usage:)? +[^ ]+ \[options\] ([a-z][a-z-]*)( |$)'
  local rre='^(usage:)? +[^ ]+ \[options\] ROBOT ([a-z][a-z-]*)( |$)'
  local mre='^  ([^ ]+( [^ ]+)*)( {2,}(--.*))?$'
  local rverbs="" flags=" " mode="" inmodes="" w o
  local -A only=()
  # Option lines start at column 2 or 6; wrapped help text at column 26.
  local re='^ {2,6}(-[[:alnum:]], )?(--[[:alnum:]-]+)( ([^ ]+))?( +(.*))?$'

  [[ -n ${_yoke_opts_cache[$bin]+set} ]] && return 0
  while IFS= read -r line; do
    [[ $line == *"[-- CMD"* ]] && cmd=1
    [[ $line =~ $vre ]] && verbs+=" ${BASH_REMATCH[2]}"
    [[ $line =~ $rre ]] && rverbs+=" ${BASH_REMATCH[2]}"
    if [[ $line =~ ^Options\ by\ (verb|mode):$ ]]; then
      inmodes=1
      continue
    fi
    if [[ -n $inmodes ]]; then
      [[ -z $line ]] && inmodes= && continue
      w=
      if [[ $line =~ ^\ {26}(--.*)$ ]]; then
        w=${BASH_REMATCH[1]}
      elif [[ $line =~ $mre ]]; then
        mode=${BASH_REMATCH[1]}
        w=${BASH_REMATCH[4]}
        [[ $mode == \(* ]] && mode=-
        [[ $mode == --* ]] && flags+="$mode "
      fi
      for o in $w; do
        only[$o]+="$mode,"
      done
      continue
    fi
    [[ $line =~ $re ]] || continue
    short=${BASH_REMATCH[1]%, }
    long=${BASH_REMATCH[2]}
    arg=${BASH_REMATCH[4]}
    opts+=" $long${short:+ $short}"
    if [[ -n $arg ]]; then
      args+="$long=$arg "
      [[ -n $short ]] && args+="$short=$arg "
    fi
  done < <(LC_ALL=C "$bin" --help 2>/dev/null)
  w=" "
  for o in "${!only[@]}"; do
    w+="$o=,${only[$o]} "
  done
  _yoke_only_cache[$bin]=$w
  _yoke_opts_cache[$bin]=$opts
  _yoke_args_cache[$bin]=$args
  _yoke_cmd_cache[$bin]=$cmd
  _yoke_verb_cache[$bin]=$verbs
  _yoke_rverb_cache[$bin]=$rverbs
  _yoke_flag_cache[$bin]=$flags
}

# _yoke_opts_for BIN MODE: the options that go with MODE (a verb, a mode
# flag, "-": neither), as words (a long option, then its short one if
# any).
_yoke_opts_for() {
  local bin=$1 verb=$2 w only=${_yoke_only_cache[$bin]} ok=1 out=""
  for w in ${_yoke_opts_cache[$bin]}; do
    if [[ $w == --* ]]; then
      ok=1
      if [[ $only == *" $w=,"* ]]; then
        local v=${only#*" $w=,"}
        v=,${v%% *}
        [[ $v == *",$verb,"* ]] || ok=
      fi
    fi
    [[ -n $ok ]] && out+=" $w"
  done
  printf '%s\n' "$out"
}

# _yoke_bin NAME: the program NAME runs (a path, or looked up in PATH).
_yoke_bin() {
  local name=$1
  if [[ $name == */* ]]; then
    [[ -x $name ]] && printf '%s\n' "$name"
  elif ! type -P "$name" 2>/dev/null && [[ -x $_yoke_treebin/$name ]]; then
    printf '%s\n' "$_yoke_treebin/$name"
  fi
}

# _yoke_tool_bin TOOL YOKE: the yoke-TOOL binary that `YOKE TOOL` runs:
# beside the yoke binary first, as the dispatcher does, then on PATH.
_yoke_tool_bin() {
  local tool=$1 dir
  dir=$(_yoke_bin "$2")
  dir=${dir%/*}
  if [[ -n $dir && -x $dir/yoke-$tool ]]; then
    printf '%s\n' "$dir/yoke-$tool"
  else
    _yoke_bin "yoke-$tool"
  fi
}

# _yoke_tools YOKE: tool names: those `yoke help` lists, and any yoke-*
# command on PATH.
_yoke_tools() {
  local yoke line names=()
  yoke=$(_yoke_bin "$1")
  while IFS= read -r line; do
    [[ $line =~ ^\ \ ([a-z0-9][a-z0-9-]*)\ + ]] && names+=("${BASH_REMATCH[1]}")
  done < <(LC_ALL=C "$yoke" help 2>/dev/null)
  while IFS= read -r line; do
    names+=("${line#yoke-}")
  done < <(compgen -c yoke- 2>/dev/null)
  ((${#names[@]})) && printf '%s\n' "${names[@]}" | sort -u
}

# _yoke_values BIN OPT CUR: fill COMPREPLY with the values of OPT.
# Returns 1 when OPT takes no value.
_yoke_values() {
  local bin=$1 opt=$2 cur=$3 arg
  _yoke_read_help "$bin"
  arg=${_yoke_args_cache[$bin]}
  [[ $arg == *" $opt="* ]] || return 1
  arg=${arg#*" $opt="}
  arg=${arg%% *}
  case $opt in
  --status)
    _yoke_reply -W "$_yoke_statuses" -- "$cur"
    return 0 ;;
  --priority)
    _yoke_reply -W "$_yoke_priorities" -- "$cur"
    return 0 ;;
  -b | --broker)
    [[ $cur == *:* ]] || _yoke_reply -W "mqtt:// mqtts://" -- "$cur"
    compopt -o nospace 2>/dev/null
    return 0 ;;
  --exec)
    _yoke_reply -c -- "$cur"
    return 0 ;;
  --decode | --encode)
    _yoke_reply -W "${arg//[A-Z|]/} $("$bin" "$opt" help 2>/dev/null)" \
      -- "$cur"
    return 0 ;;
  esac
  if [[ $arg == FILE ]]; then
    compopt -o filenames 2>/dev/null
    _yoke_reply -f -- "$cur"
  elif [[ $arg =~ ^[a-z0-9|]+$ ]]; then
    # a list of choices, as "json|text|raw" or "0|1", or just one
    _yoke_reply -W "${arg//|/ }" -- "$cur"
  fi
  return 0
}

# _yoke_complete_tool BIN OFFSET: complete the words of one tool, whose
# name is COMP_WORDS[OFFSET].
_yoke_complete_tool() {
  local bin=$1 off=$2 cword=$COMP_CWORD i
  local cur=${COMP_WORDS[cword]} prev=
  ((cword > off)) && prev=${COMP_WORDS[cword - 1]}

  # After "--": a command (yoke-alive KEY -- CMD), or plain arguments.
  for ((i = off + 1; i < cword; i++)); do
    [[ ${COMP_WORDS[i]} == -- ]] || continue
    _yoke_read_help "$bin"
    if [[ -n ${_yoke_cmd_cache[$bin]} ]]; then
      if declare -F _command_offset >/dev/null; then
        _command_offset $((i + 1))
      elif ((cword == i + 1)); then
        _yoke_reply -c -- "$cur"
      else
        compopt -o filenames 2>/dev/null
        _yoke_reply -f -- "$cur"
      fi
    fi
    return 0
  done

  # --opt=value (bash splits it at "=", as COMP_WORDBREAKS says)
  if [[ $cur == = ]] && ((cword - 1 > off)); then
    _yoke_values "$bin" "$prev" ""
    return 0
  fi
  if [[ $prev == = ]] && ((cword - 2 > off)); then
    _yoke_values "$bin" "${COMP_WORDS[cword - 2]}" "$cur"
    return 0
  fi
  if [[ $cur == --*=* ]]; then
    local opt=${cur%%=*}
    if _yoke_values "$bin" "$opt" "${cur#*=}"; then
      for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]="$opt=${COMPREPLY[i]}"
      done
    fi
    return 0
  fi

  # the value of the option before
  if [[ $prev == -* ]] && ((cword - 1 > off)); then
    _yoke_values "$bin" "$prev" "$cur" && return 0
  fi

  _yoke_read_help "$bin"
  if [[ $cur == -* ]]; then
    _yoke_positional "$bin" "$off"
    _yoke_reply -W "$(_yoke_opts_for "$bin" "$(_yoke_verb_of "$bin")") --" \
      -- "$cur"
  elif [[ -n ${_yoke_verb_cache[$bin]}${_yoke_rverb_cache[$bin]} ]]; then
    _yoke_complete_verb "$bin" "$off"
  fi
  return 0
}

# _yoke_positional BIN OFFSET: the words before the cursor that are
# neither options nor their values, into _yoke_pos; the options and their
# values into _yoke_optwords (to ask the robot with the same broker).
_yoke_positional() {
  local bin=$1 off=$2 i w
  _yoke_pos=() _yoke_optwords=()
  for ((i = off + 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      _yoke_optwords+=("$w")
      if [[ $w != *=* && ${_yoke_args_cache[$bin]} == *" $w="* ]]; then
        ((i++))
        _yoke_optwords+=("${COMP_WORDS[i]}")
      fi
      continue
    fi
    _yoke_pos+=("$w")
  done
}

# _yoke_verb_of BIN: the mode of the words typed: the verb in _yoke_pos,
# else the last mode flag in _yoke_optwords, else "-".
_yoke_verb_of() {
  local bin=$1 v= w
  if [[ -n ${_yoke_rverb_cache[$bin]} ]]; then
    v=${_yoke_pos[1]-}
    [[ " ${_yoke_rverb_cache[$bin]} " == *" $v "* ]] || v=
  else
    v=${_yoke_pos[0]-}
    [[ " ${_yoke_verb_cache[$bin]} " == *" $v "* ]] || v=
  fi
  if [[ -z $v ]]; then
    for w in "${_yoke_optwords[@]}"; do
      [[ ${_yoke_flag_cache[$bin]} == *" ${w%%=*} "* ]] && v=${w%%=*}
    done
  fi
  printf '%s\n' "${v:--}"
}

# _yoke_complete_verb BIN OFFSET: the verb, or a STATUS after set and
# after wait ROBOT.  Words that start with "-" and the values of options
# that take one are not positional.
_yoke_complete_verb() {
  local bin=$1 off=$2 pos
  _yoke_positional "$bin" "$off"
  pos=("${_yoke_pos[@]}")
  if [[ -n ${_yoke_rverb_cache[$bin]} ]]; then
    # yoke-drive ROBOT VERB: the verb after the robot; mode's values;
    # traj's file
    if ((${#pos[@]} == 1)); then
      _yoke_reply -W "${_yoke_rverb_cache[$bin]}" -- "$cur"
    elif ((${#pos[@]} == 2)) && [[ ${pos[1]} == mode ]]; then
      _yoke_reply -W "stand damp" -- "$cur"
    elif ((${#pos[@]} == 2)) && [[ ${pos[1]} == traj ]]; then
      compopt -o filenames 2>/dev/null
      _yoke_reply -f -- "$cur"
    elif ((${#pos[@]} == 2)) && [[ ${pos[1]} == invoke ]]; then
      _yoke_reply -W "$(_yoke_ask "$bin" "${pos[0]}" skills)" -- "$cur"
    elif ((${#pos[@]} == 2)) && [[ ${pos[1]} == vision ]]; then
      _yoke_reply -W "$(_yoke_ask "$bin" "${pos[0]}" state cameras)" \
        -- "$cur"
    fi
  elif ((${#pos[@]} == 0)); then
    _yoke_reply -W "${_yoke_verb_cache[$bin]}" -- "$cur"
  elif [[ ${pos[0]} == set && ${#pos[@]} == 1 ]]; then
    _yoke_reply -W "$_yoke_statuses" -- "$cur"
  elif [[ ${pos[0]} == wait && ${#pos[@]} == 2 ]]; then
    # every verdict of the fleet view
    _yoke_reply -W "$_yoke_statuses missing unknown" -- "$cur"
  fi
}

# _yoke_ask BIN ROBOT VERB...: ask the robot (with the options typed so
# far, so the same broker), within a second: the "name"s of the skills
# verb's lines, or the strings of a JSON array (state cameras).  As the
# console does; a robot that does not answer completes nothing.
_yoke_ask() {
  local bin=$1 robot=$2 line re='"name":"([^"]*)"' s
  shift 2
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
    elif [[ $line == \[*\] ]]; then
      s=${line//[\[\]\"]/}
      printf '%s\n' ${s//,/ }
    fi
  done < <(timeout 2 "$bin" "${_yoke_optwords[@]}" "$robot" "$@" -W 1 \
    2>/dev/null)
}

# The completion function of yoke and of every yoke-* tool.
_yoke_complete() {
  local cmd=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} bin tool
  COMPREPLY=()

  if [[ ${cmd##*/} == yoke ]]; then
    if ((COMP_CWORD == 1)); then
      if [[ $cur == -* ]]; then
        _yoke_reply -W "--help -h --version -V" -- "$cur"
      else
        _yoke_reply -W "help $(_yoke_tools "$cmd")" -- "$cur"
      fi
      return 0
    fi
    tool=${COMP_WORDS[1]}
    # "yoke help TOOL", "yoke --help TOOL": TOOL's --help
    if [[ $tool == help || $tool == -h || $tool == --help ]]; then
      ((COMP_CWORD == 2)) &&
        _yoke_reply -W "$(_yoke_tools "$cmd")" -- "$cur"
      return 0
    fi
    bin=$(_yoke_tool_bin "$tool" "$cmd")
    [[ -n $bin ]] || return 0
    _yoke_complete_tool "$bin" 1
    return 0
  fi

  bin=$(_yoke_bin "$cmd")
  [[ -n $bin ]] || return 0
  _yoke_complete_tool "$bin" 0
}

complete -F _yoke_complete yoke yoke-pub yoke-sub yoke-get yoke-alive \
  yoke-robot-status yoke-fault yoke-telemetry yoke-log yoke-drive \
  yoke-record yoke-record-export yoke-video-send yoke-sim
