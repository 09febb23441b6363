-- syntax error: multiple to-be-closed variables in one list
local a <close>, b <close> = nil, nil
