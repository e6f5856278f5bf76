import EmulatorCommand

@main
struct Entrypoint {
    static func main() async {
        await EmulatorCommand.main()
    }
}
