// Placeholder entry point; the emulator core replaces it.
Console.WriteLine("Emulator listening on http://127.0.0.1:0");
