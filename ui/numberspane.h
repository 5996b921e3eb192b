#pragma once

#include <QDialog>
#include <QWidget>

#include "consolecontext.h"

class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QProgressDialog;
class QSettings;
class QTableView;

namespace Maskline {

class MessageBanner;
class NumberModel;
class ServiceCombo;

// Numbers: one Service's pool. Add one, or paste a list / import a CSV (with a progress bar); reserve or release;
// remove (the engine refuses while a number is in use, and says why); "who holds this number".
class NumbersPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NumbersPane)

public:
    explicit NumbersPane(const ConsoleContext &context, QWidget *parent = nullptr);

    NumberModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    MessageBanner *banner() const { return m_banner; }
    ServiceCombo *serviceCombo() const { return m_service; }
    QString serviceSid() const;
    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

    // Adds each number in turn (one engine call at a time) with a progress dialog; reports failures per line.
    void importNumbers(const QStringList &numbers, bool reserved);
    // "+14155550100, +1 415 555 0101\n…" or a CSV whose first column (or a phone_number column) holds numbers.
    static QStringList parseNumberList(const QString &text);

public Q_SLOTS:
    void addNumber();
    void showImportDialog();
    void toggleReserved();
    void removeSelected();
    void showHolders();

Q_SIGNALS:
    // "Who holds this number": the Sessions pane filters on it.
    void holdersRequested(const QString &serviceSid, const QString &numberSid, const QString &number);

private:
    void showContextMenu(const QPoint &pos);
    void importNext();

    ConsoleContext m_ctx;
    NumberModel *m_model = nullptr;
    ServiceCombo *m_service = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_number = nullptr;
    QCheckBox *m_reserved = nullptr;
    MessageBanner *m_banner = nullptr;

    struct Import
    {
        QStringList numbers;
        bool reserved = false;
        int next = 0;
        int added = 0;
        QStringList failures;
        QProgressDialog *progress = nullptr;
    } m_import;
};

// Paste a list or open a CSV file of numbers to add to the pool.
class ImportNumbersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportNumbersDialog)

public:
    explicit ImportNumbersDialog(QWidget *parent = nullptr);
    QStringList numbers() const;
    bool reserved() const;
    QPlainTextEdit *editor() const { return m_text; }

private:
    void openFile();

    QPlainTextEdit *m_text = nullptr;
    QCheckBox *m_reserved = nullptr;
};

} // namespace Maskline
